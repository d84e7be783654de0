//! One module per command; each takes the run's [`crate::context::Ctx`] and returns the exit
//! code to use on success (0, or the child's code for `exec`).

pub mod decode;
pub mod doctor;
pub mod exec;
pub mod keys;
pub mod link_handler;
pub mod login;
pub mod logout;
pub mod manpage;
pub mod mint;
pub mod profile_remove;
pub mod profile_settings;
pub mod profiles;
pub mod proxy;
pub mod run;
pub mod status;
pub mod token;
