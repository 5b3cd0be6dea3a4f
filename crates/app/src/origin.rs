//! Where our server is: empty for this page's own origin (the app), an absolute URL for widgets on a
//! department's page. A leaf: the API calls, the key worker and the routes all resolve paths against it.

thread_local! {
    static BASE: std::cell::RefCell<String> = const { std::cell::RefCell::new(String::new()) };
}

/// Where the REST API lives: empty for this page's own origin (the app), an absolute URL for widgets on a
/// department's page (their `api` attribute).
pub fn set_base(base: &str) {
    let base = if base.is_empty() || base.ends_with('/') { base.to_owned() } else { format!("{base}/") };
    BASE.with(|b| *b.borrow_mut() = base);
}

/// A path of the API (or of static data) resolved against the configured base.
pub fn url(path: &str) -> String {
    BASE.with(|b| format!("{}{path}", b.borrow()))
}
