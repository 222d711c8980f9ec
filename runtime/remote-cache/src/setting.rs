//! `AUTOJIT_REMOTE_CACHE`, parsed: a store's URL, then `|`-separated
//! attributes, as ccache writes its remote storage:
//!
//! ```text
//! redis://[[user]:password@]host[:port][/db]
//! http://host[:port]/path
//!     |read-only             never write (laptops read what CI wrote)
//!     |verify-key=FILE       take only records signed by this team key
//!     |sign-key=FILE         sign what this client writes (and verify with it)
//!     |connect-timeout=MS    default 200
//!     |timeout=MS            the longest wait for a reply's bytes; default 1000
//! ```

use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_millis(200);
const DEFAULT_TIMEOUT: Duration = Duration::from_millis(1000);
const REDIS_PORT: u16 = 6379;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemoteSetting {
    pub store: StoreAddress,
    pub read_only: bool,
    pub verify_key: Option<PathBuf>,
    pub sign_key: Option<PathBuf>,
    pub connect_timeout: Duration,
    pub timeout: Duration,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreAddress {
    Redis(RedisAddress),
    /// The URL every name is appended to, ending in `/`.
    Http(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RedisAddress {
    pub host: String,
    pub port: u16,
    pub db: u32,
    /// `AUTH`'s arguments: the user (if any) and the password.
    pub auth: Option<(Option<String>, String)>,
}

/// What is wrong with a setting, for a line that names the variable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SettingError(pub String);

impl fmt::Display for SettingError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl RemoteSetting {
    pub fn parse(value: &str) -> Result<Self, SettingError> {
        let mut parts = value.trim().split('|');
        let url = parts.next().unwrap_or_default().trim();
        let mut setting = RemoteSetting {
            store: StoreAddress::parse(url)?,
            read_only: false,
            verify_key: None,
            sign_key: None,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            timeout: DEFAULT_TIMEOUT,
        };
        for attribute in parts.map(str::trim).filter(|a| !a.is_empty()) {
            let (name, value) = attribute
                .split_once('=')
                .map_or((attribute, None), |(n, v)| (n.trim(), Some(v.trim())));
            match (name, value) {
                ("read-only", None) => setting.read_only = true,
                ("verify-key", Some(path)) => setting.verify_key = Some(path.into()),
                ("sign-key", Some(path)) => setting.sign_key = Some(path.into()),
                ("connect-timeout", Some(ms)) => setting.connect_timeout = millis(name, ms)?,
                ("timeout", Some(ms)) => setting.timeout = millis(name, ms)?,
                _ => {
                    return Err(SettingError(format!(
                        "unknown attribute '{attribute}' (known: read-only, verify-key=FILE, sign-key=FILE, connect-timeout=MS, timeout=MS)"
                    )))
                }
            }
        }
        Ok(setting)
    }

    /// The store's address for logs, without a password.
    pub fn display_url(&self) -> String {
        match &self.store {
            StoreAddress::Redis(r) => format!("redis://{}:{}/{}", r.host, r.port, r.db),
            StoreAddress::Http(url) => url.clone(),
        }
    }
}

fn millis(name: &str, value: &str) -> Result<Duration, SettingError> {
    match value.parse::<u64>() {
        Ok(ms) if ms > 0 => Ok(Duration::from_millis(ms)),
        _ => Err(SettingError(format!(
            "{name}={value} is not a number of milliseconds above 0"
        ))),
    }
}

impl StoreAddress {
    fn parse(url: &str) -> Result<Self, SettingError> {
        if let Some(rest) = url.strip_prefix("redis://") {
            return RedisAddress::parse(rest).map(StoreAddress::Redis);
        }
        if let Some(rest) = url.strip_prefix("http://") {
            if rest.is_empty() || rest.starts_with('/') {
                return Err(SettingError(format!("{url} names no host")));
            }
            let base = if url.ends_with('/') {
                url.to_string()
            } else {
                format!("{url}/")
            };
            return Ok(StoreAddress::Http(base));
        }
        if url.starts_with("https://") {
            return Err(SettingError(format!(
                "{url}: https is not supported; use http:// on the team's network or through a local TLS proxy, or redis://"
            )));
        }
        Err(SettingError(format!(
            "'{url}' is not a store's URL (redis://host:port or http://host/path)"
        )))
    }
}

impl RedisAddress {
    fn parse(rest: &str) -> Result<Self, SettingError> {
        let bad = |why: &str| SettingError(format!("redis://{rest}: {why}"));
        let (authority, db) = rest.split_once('/').unwrap_or((rest, ""));
        let db = match db.trim_end_matches('/') {
            "" => 0,
            n => n.parse().map_err(|_| bad("the database is not a number"))?,
        };
        let (auth, hostport) = match authority.rsplit_once('@') {
            Some((userinfo, hostport)) => {
                let (user, password) = userinfo.split_once(':').unwrap_or(("", userinfo));
                let user = (!user.is_empty()).then(|| user.to_string());
                (Some((user, password.to_string())), hostport)
            }
            None => (None, authority),
        };
        let (host, port) = match hostport.rsplit_once(':') {
            Some((host, port)) => (
                host,
                port.parse().map_err(|_| bad("the port is not a number"))?,
            ),
            None => (hostport, REDIS_PORT),
        };
        if host.is_empty() {
            return Err(bad("no host"));
        }
        Ok(RedisAddress {
            host: host.to_string(),
            port,
            db,
            auth,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn redis(host: &str, port: u16, db: u32) -> StoreAddress {
        StoreAddress::Redis(RedisAddress {
            host: host.into(),
            port,
            db,
            auth: None,
        })
    }

    #[test]
    fn urls_and_attributes() {
        let s = RemoteSetting::parse("redis://cache.lan").unwrap();
        assert_eq!(s.store, redis("cache.lan", 6379, 0));
        assert!(!s.read_only);
        assert_eq!(s.timeout, DEFAULT_TIMEOUT);
        let s = RemoteSetting::parse(
            "redis://127.0.0.1:7000/2|read-only|verify-key=/k.pub|timeout=50|connect-timeout=20",
        )
        .unwrap();
        assert_eq!(s.store, redis("127.0.0.1", 7000, 2));
        assert!(s.read_only);
        assert_eq!(s.verify_key, Some(PathBuf::from("/k.pub")));
        assert_eq!(s.timeout, Duration::from_millis(50));
        assert_eq!(s.connect_timeout, Duration::from_millis(20));
        let s = RemoteSetting::parse("redis://u:p@h:1").unwrap();
        let StoreAddress::Redis(r) = s.store else {
            panic!()
        };
        assert_eq!(r.auth, Some((Some("u".into()), "p".into())));
        assert_eq!(
            RemoteSetting::parse("redis://:secret@h")
                .unwrap()
                .display_url(),
            "redis://h:6379/0"
        );
        assert_eq!(
            RemoteSetting::parse("http://h:8080/cache|sign-key=k.pem")
                .unwrap()
                .store,
            StoreAddress::Http("http://h:8080/cache/".into())
        );
    }

    #[test]
    fn bad_settings_say_what_is_wrong() {
        for (value, says) in [
            ("ftp://h", "not a store's URL"),
            ("https://h/x", "https is not supported"),
            ("http://", "names no host"),
            ("redis://h:port", "port is not a number"),
            ("redis://h/x", "database is not a number"),
            ("redis://:1", "no host"),
            ("redis://h|writable", "unknown attribute 'writable'"),
            ("redis://h|timeout=0", "timeout=0 is not a number"),
        ] {
            let e = RemoteSetting::parse(value).unwrap_err();
            assert!(e.0.contains(says), "{value}: {e}");
        }
    }
}
