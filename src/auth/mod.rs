//! Authentication: passwords (argon2id), random tokens stored only as keyed hashes, login with
//! throttling, and turning a bearer token into a [`Caller`].
//!
//! Authorisation (which caller may call which endpoint, and which units they see) is decided
//! in one place: the route table and its middleware in `http::authorize`, using
//! [`crate::domain::access`].

pub mod caller;
pub mod keys;
pub mod login;
pub mod lookup;
pub mod password;
pub mod throttle;
pub mod token;

pub use caller::Caller;
pub use keys::SecretKeys;
