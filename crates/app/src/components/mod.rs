pub mod code_view;
pub mod field_input;
pub mod issue_list;
pub mod objection_panel;
pub mod parts_table;
pub mod repair_panel;
pub mod time;
pub mod verification;
