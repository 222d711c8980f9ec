//! An HTTP store: a value is the body at `<base URL><name>`, read with GET
//! and written with PUT, as any WebDAV server (nginx's `dav_methods PUT`,
//! Apache's mod_dav) or ccache's HTTP storage serves them. HTTP has no
//! append: an append reads and writes the whole value, and two writers at
//! once may lose one's lines (which costs a compile, never a wrong object).

use crate::store::{Fault, Store, MAX_VALUE};
use std::time::Duration;
use ureq::Agent;

pub struct Http {
    base: String,
    connect_timeout: Duration,
    timeout: Duration,
    /// The agent keeps connections alive, so a batch of GETs shares one;
    /// made again in a forked child, whose parent may be using them.
    agent: Option<(u32, Agent)>,
}

impl Http {
    pub fn new(base: String, connect_timeout: Duration, timeout: Duration) -> Self {
        Http {
            base,
            connect_timeout,
            timeout,
            agent: None,
        }
    }

    fn agent(&mut self) -> Agent {
        let pid = std::process::id();
        if self.agent.as_ref().is_none_or(|(owner, _)| *owner != pid) {
            let config = Agent::config_builder()
                .http_status_as_error(false)
                .timeout_connect(Some(self.connect_timeout))
                .timeout_per_read(Some(self.timeout))
                .timeout_per_write(Some(self.timeout))
                .build();
            self.agent = Some((pid, config.into()));
        }
        self.agent.as_ref().expect("made above").1.clone()
    }

    fn get(&mut self, name: &str) -> Result<Option<Vec<u8>>, Fault> {
        let url = format!("{}{name}", self.base);
        let mut response = self.agent().get(&url).call().map_err(fault)?;
        match response.status().as_u16() {
            200 => response
                .body_mut()
                .with_config()
                .limit(MAX_VALUE as u64)
                .read_to_vec()
                .map(Some)
                .map_err(fault),
            404 | 410 => Ok(None),
            status => Err(Fault::Refused(format!("GET {url}: HTTP {status}"))),
        }
    }
}

impl Store for Http {
    fn get_many(&mut self, names: &[String]) -> Result<Vec<Option<Vec<u8>>>, Fault> {
        names.iter().map(|name| self.get(name)).collect()
    }

    fn put(&mut self, name: &str, value: &[u8]) -> Result<(), Fault> {
        let url = format!("{}{name}", self.base);
        let response = self.agent().put(&url).send(value).map_err(fault)?;
        match response.status().as_u16() {
            200..=299 => Ok(()),
            status => Err(Fault::Refused(format!("PUT {url}: HTTP {status}"))),
        }
    }

    fn append(&mut self, name: &str, value: &[u8]) -> Result<(), Fault> {
        let mut whole = self.get(name)?.unwrap_or_default();
        whole.extend_from_slice(value);
        self.put(name, &whole)
    }
}

fn fault(e: ureq::Error) -> Fault {
    match e {
        ureq::Error::Timeout(_) => Fault::Slow,
        ureq::Error::Io(e) => e.into(),
        ureq::Error::HostNotFound | ureq::Error::ConnectionFailed => {
            Fault::Unreachable(e.to_string())
        }
        e => Fault::Garbage(e.to_string()),
    }
}
