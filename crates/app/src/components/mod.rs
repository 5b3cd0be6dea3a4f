pub mod code_view;
pub mod issue_list;
pub mod parts_table;
