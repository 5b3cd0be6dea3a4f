//! A file chosen or dropped: the callbacks of a file input and a drop zone, handing the one file to `load`.

use web_sys::{DragEvent, HtmlInputElement};
use yew::prelude::*;

/// The file input's `onchange`, the drop zone's `ondrop` and `ondragover`, each giving the first file to `load`
/// (the input is cleared, so the same file can be chosen again).
pub fn file_pick(
    load: impl Fn(web_sys::File) + Clone + 'static,
) -> (Callback<Event>, Callback<DragEvent>, Callback<DragEvent>) {
    let on_file = {
        let load = load.clone();
        Callback::from(move |event: Event| {
            let input = event.target_unchecked_into::<HtmlInputElement>();
            if let Some(file) = input.files().and_then(|files| files.get(0)) {
                load(file);
            }
            input.set_value("");
        })
    };
    let on_drop = Callback::from(move |event: DragEvent| {
        event.prevent_default();
        if let Some(file) = event.data_transfer().and_then(|d| d.files()).and_then(|files| files.get(0)) {
            load(file);
        }
    });
    let on_drag_over = Callback::from(|event: DragEvent| event.prevent_default());
    (on_file, on_drop, on_drag_over)
}
