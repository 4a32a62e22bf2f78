//! The service's secret key, used for keyed hashes of tokens and lookup codes.

use std::fmt;

use rand::RngCore;

use crate::config::Settings;
use crate::db::{DbConnection, settings};

/// Setting name under which a generated key is kept in the database.
const STORED_KEY: &str = "secret_key";

/// Secret key material. Never printed.
#[derive(Clone)]
pub struct SecretKeys {
    key: Vec<u8>,
}

impl fmt::Debug for SecretKeys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretKeys([redacted])")
    }
}

impl SecretKeys {
    /// Keys from raw material (tests, configuration).
    pub fn from_material(material: &str) -> Self {
        SecretKeys {
            key: material.as_bytes().to_vec(),
        }
    }

    /// The configured key, or the one kept in the database (generated on first use, so that
    /// every instance sharing the database agrees).
    pub fn load(settings: &Settings, conn: &mut DbConnection) -> anyhow::Result<Self> {
        if let Some(secret) = &settings.secret_key {
            return Ok(Self::from_material(secret.expose()));
        }
        let stored = settings::get_or_insert(conn, STORED_KEY, || {
            let mut bytes = [0u8; 32];
            rand::rng().fill_bytes(&mut bytes);
            hex::encode(bytes)
        })?;
        Ok(Self::from_material(&stored))
    }

    /// Keyed hash of a lookup code (already normalised).
    pub fn lookup_hash(&self, code: &str) -> String {
        super::token::keyed_hash(&self.key, &format!("lookup:{code}"))
    }

    /// Keyed signature of `value` for one `purpose` (status-page sessions, form tokens,
    /// throttle keys that must not reveal what they count).
    pub fn sign(&self, purpose: &str, value: &str) -> String {
        super::token::keyed_hash(&self.key, &format!("{purpose}\u{0}{value}"))
    }

    /// Keyed hash of a token.
    pub fn token_hash(&self, token: &str) -> String {
        super::token::keyed_hash(&self.key, token)
    }
}
