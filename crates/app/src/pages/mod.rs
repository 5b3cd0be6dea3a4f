pub mod batch_check;
pub mod batch_state;
pub mod commit;
pub mod keys;
pub mod print;
pub mod single_check;
pub mod verify;
