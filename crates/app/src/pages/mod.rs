pub mod batch_check;
pub mod batch_state;
pub mod single_check;
