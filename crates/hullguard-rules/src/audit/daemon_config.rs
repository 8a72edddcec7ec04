//! The daemon's configuration as the host shows it: the dockerd command line
//! (read from `/proc`) and `daemon.json`. An option may be in either; dockerd
//! refuses to start when one is in both, so a value found in one of them is the
//! value, and an option found in neither has its default only when both could
//! be read ([`DaemonConfig::complete`]).
//!
//! Flags are read as dockerd's `pflag` reads them: `--name=value`,
//! `--name value`, `-H value`, `-Hvalue`, `-H=value`; a boolean flag is
//! `--name` (true) or `--name=false`.
//! (<https://docs.docker.com/reference/cli/dockerd/>)

use super::esc;
use hullguard_snapshot::HostFacts;
use serde_json::{Map, Value};

/// Where a value was set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Src {
    /// Word N of the dockerd command line (the flag itself, even when its value
    /// is the next word).
    Flag(usize),
    /// A key of `daemon.json`, and the item of a list.
    Config { key: String, index: Option<usize> },
}

#[derive(Debug, Clone)]
enum Json {
    /// No `daemon.json`: every option not on the command line has its default.
    Absent,
    Parsed(Map<String, Value>),
    /// Not collected, or could not be read.
    Unknown,
}

/// The dockerd command line and `daemon.json` of the engine's host.
#[derive(Debug, Clone)]
pub struct DaemonConfig {
    args: Option<Vec<String>>,
    json: Json,
    json_path: String,
}

impl DaemonConfig {
    pub fn new(host: Option<&HostFacts>, notes: &mut Vec<String>) -> DaemonConfig {
        let args = host.and_then(|h| h.dockerd_args.clone());
        let fact = host.and_then(|h| h.daemon_json.as_ref());
        let json_path = fact
            .map(|f| f.path.clone())
            .unwrap_or_else(|| "/etc/docker/daemon.json".to_string());
        let json = match fact {
            None => Json::Unknown,
            Some(f) if !f.exists && f.error.is_none() => Json::Absent,
            Some(f) => match (&f.content, &f.error) {
                (Some(text), _) if text.trim().is_empty() => Json::Absent,
                (Some(text), _) => match serde_json::from_str::<Value>(text) {
                    Ok(Value::Object(m)) => Json::Parsed(m),
                    Ok(_) => {
                        notes.push(format!("{} is not a JSON object", f.path));
                        Json::Unknown
                    }
                    Err(e) => {
                        notes.push(format!("{} is not valid JSON: {e}", f.path));
                        Json::Unknown
                    }
                },
                (None, Some(e)) => {
                    notes.push(format!("{} could not be read: {e}", f.path));
                    Json::Unknown
                }
                (None, None) => Json::Unknown,
            },
        };
        DaemonConfig {
            args,
            json,
            json_path,
        }
    }

    /// Both the command line and `daemon.json` (or its absence) are known: an
    /// option in neither has its default.
    pub fn complete(&self) -> bool {
        self.args.is_some() && !matches!(self.json, Json::Unknown)
    }

    /// The path of `daemon.json` (the default when the snapshot has none).
    pub fn json_path(&self) -> &str {
        &self.json_path
    }

    /// The dockerd command line, when known.
    pub fn args(&self) -> Option<&[String]> {
        self.args.as_deref()
    }

    fn json_value(&self, key: &str) -> Option<&Value> {
        match &self.json {
            Json::Parsed(m) => m.get(key),
            _ => None,
        }
    }

    fn flags(
        &self,
        long: &str,
        short: Option<char>,
        takes_value: bool,
    ) -> Vec<(Option<String>, usize)> {
        match &self.args {
            Some(args) => scan_flags(args, long, short, takes_value),
            None => Vec::new(),
        }
    }

    /// A boolean option: the last flag (`--debug`, `-D`), else the `daemon.json`
    /// key.
    pub fn bool(&self, long: &str, short: Option<char>, key: &str) -> Option<(bool, Src)> {
        if let Some((val, i)) = self.flags(long, short, false).pop() {
            let on = match val.as_deref() {
                None => true,
                Some(v) => parse_bool(v)?,
            };
            return Some((on, Src::Flag(i)));
        }
        let v = self.json_value(key)?;
        let on = match v {
            Value::Bool(b) => *b,
            Value::String(s) => parse_bool(s)?,
            _ => return None,
        };
        Some((
            on,
            Src::Config {
                key: key.to_string(),
                index: None,
            },
        ))
    }

    /// A string option: the last flag, else the `daemon.json` key.
    pub fn string(&self, long: &str, short: Option<char>, key: &str) -> Option<(String, Src)> {
        if let Some((Some(val), i)) = self.flags(long, short, true).pop() {
            return Some((val, Src::Flag(i)));
        }
        let v = self.json_value(key)?;
        let s = match v {
            Value::String(s) => s.clone(),
            Value::Number(n) => n.to_string(),
            Value::Bool(b) => b.to_string(),
            _ => return None,
        };
        Some((
            s,
            Src::Config {
                key: key.to_string(),
                index: None,
            },
        ))
    }

    /// A list option: every flag, and the items of the `daemon.json` array.
    pub fn list(&self, long: &str, short: Option<char>, key: &str) -> Vec<(String, Src)> {
        let mut out: Vec<(String, Src)> = self
            .flags(long, short, true)
            .into_iter()
            .filter_map(|(v, i)| v.map(|v| (v, Src::Flag(i))))
            .collect();
        match self.json_value(key) {
            Some(Value::Array(items)) => {
                for (n, item) in items.iter().enumerate() {
                    if let Some(s) = item.as_str() {
                        out.push((
                            s.to_string(),
                            Src::Config {
                                key: key.to_string(),
                                index: Some(n),
                            },
                        ));
                    }
                }
            }
            Some(Value::String(s)) => out.push((
                s.clone(),
                Src::Config {
                    key: key.to_string(),
                    index: None,
                },
            )),
            _ => {}
        }
        out
    }

    /// Whether a map option (`default-ulimits`, `log-opts`) or a flag of it is set.
    pub fn has_map(&self, long: &str, key: &str) -> Option<Src> {
        if let Some((_, i)) = self.flags(long, None, true).first() {
            return Some(Src::Flag(*i));
        }
        match self.json_value(key) {
            Some(Value::Object(m)) if !m.is_empty() => Some(Src::Config {
                key: key.to_string(),
                index: None,
            }),
            _ => None,
        }
    }

    /// `no-new-privileges` for every container (CIS 2.15).
    pub fn no_new_privileges(&self) -> Option<(bool, Src)> {
        self.bool("no-new-privileges", None, "no-new-privileges")
    }

    /// The pointer of a source in the daemon object (`/args/3`,
    /// `/daemon.json/icc`, `/daemon.json/hosts/1`).
    pub fn pointer(&self, src: &Src) -> String {
        match src {
            Src::Flag(i) => format!("/args/{i}"),
            Src::Config { key, index: None } => format!("/daemon.json/{}", esc(key)),
            Src::Config {
                key,
                index: Some(n),
            } => format!("/daemon.json/{}/{n}", esc(key)),
        }
    }

    /// Where a value was set, for messages: ``the dockerd flag `--icc=true` ``,
    /// `` `icc` in /etc/docker/daemon.json ``.
    pub fn describe(&self, src: &Src) -> String {
        match src {
            Src::Flag(i) => {
                let args = self.args.as_deref().unwrap_or(&[]);
                let word = args.get(*i).map(String::as_str).unwrap_or("");
                // A value in the next word (`-H tcp://...`, `--log-level debug`).
                let takes_next = match word.strip_prefix("--") {
                    Some(name) => !name.contains('=') && !BOOL_FLAGS.contains(&name),
                    None => word.len() == 2 && word != "-D",
                };
                let next = args
                    .get(i + 1)
                    .filter(|n| takes_next && !n.starts_with('-'));
                match next {
                    Some(n) => format!("the dockerd flag `{word} {n}`"),
                    None => format!("the dockerd flag `{word}`"),
                }
            }
            Src::Config { key, .. } => format!("`{key}` in {}", self.json_path),
        }
    }
}

/// Every occurrence of a flag in a command line (`args[0]` is the program): its
/// value (`None` for a boolean flag given without one) and the index of the
/// word holding the flag.
pub fn scan_flags(
    args: &[String],
    long: &str,
    short: Option<char>,
    takes_value: bool,
) -> Vec<(Option<String>, usize)> {
    let mut out = Vec::new();
    let mut i = 1;
    while i < args.len() {
        let a = args[i].as_str();
        if a == "--" {
            break;
        }
        let mut found: Option<Option<String>> = None;
        if let Some(rest) = a.strip_prefix("--") {
            let (name, val) = match rest.split_once('=') {
                Some((n, v)) => (n, Some(v.to_string())),
                None => (rest, None),
            };
            if name == long {
                found = Some(val);
            }
        } else if let (Some(s), Some(rest)) = (short, a.strip_prefix('-')) {
            let mut chars = rest.chars();
            if chars.next() == Some(s) {
                let tail = chars.as_str();
                let tail = tail.strip_prefix('=').unwrap_or(tail);
                found = Some((!tail.is_empty()).then(|| tail.to_string()));
            }
        }
        if let Some(val) = found {
            if takes_value && val.is_none() {
                out.push((args.get(i + 1).cloned(), i));
                i += 2;
                continue;
            }
            out.push((val, i));
        }
        i += 1;
    }
    out
}

/// The last value of a flag that takes one.
pub fn flag_value(args: &[String], long: &str, short: Option<char>) -> Option<String> {
    scan_flags(args, long, short, true)
        .pop()
        .and_then(|(v, _)| v)
}

/// dockerd's boolean flags that the audit reads (a word after them is not their
/// value).
const BOOL_FLAGS: &[&str] = &[
    "icc",
    "iptables",
    "ip6tables",
    "tls",
    "tlsverify",
    "debug",
    "live-restore",
    "userland-proxy",
    "no-new-privileges",
    "experimental",
    "selinux-enabled",
];

/// Go's `strconv.ParseBool`.
fn parse_bool(s: &str) -> Option<bool> {
    match s.trim() {
        "1" | "t" | "T" | "true" | "TRUE" | "True" => Some(true),
        "0" | "f" | "F" | "false" | "FALSE" | "False" => Some(false),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use hullguard_snapshot::FileFact;

    fn cfg(args: &[&str], json: Option<&str>) -> DaemonConfig {
        let host = HostFacts {
            dockerd_args: Some(args.iter().map(|s| s.to_string()).collect()),
            daemon_json: Some(FileFact {
                path: "/etc/docker/daemon.json".into(),
                exists: json.is_some(),
                content: json.map(str::to_string),
                ..FileFact::default()
            }),
            ..HostFacts::default()
        };
        DaemonConfig::new(Some(&host), &mut Vec::new())
    }

    #[test]
    fn flags_and_json() {
        let c = cfg(
            &[
                "/usr/bin/dockerd",
                "-H",
                "fd://",
                "-Htcp://0.0.0.0:2375",
                "--host=unix:///run/docker.sock",
                "--icc=false",
                "--log-level",
                "debug",
                "--tlsverify",
            ],
            Some(r#"{"hosts": ["tcp://127.0.0.1:2376"], "live-restore": true}"#),
        );
        assert!(c.complete());
        let hosts: Vec<String> = c
            .list("host", Some('H'), "hosts")
            .into_iter()
            .map(|h| h.0)
            .collect();
        assert_eq!(
            hosts,
            [
                "fd://",
                "tcp://0.0.0.0:2375",
                "unix:///run/docker.sock",
                "tcp://127.0.0.1:2376"
            ]
        );
        assert_eq!(c.bool("icc", None, "icc"), Some((false, Src::Flag(5))));
        assert_eq!(
            c.bool("tlsverify", None, "tlsverify"),
            Some((true, Src::Flag(8)))
        );
        assert_eq!(
            c.string("log-level", Some('l'), "log-level").map(|s| s.0),
            Some("debug".to_string())
        );
        assert_eq!(
            c.bool("live-restore", None, "live-restore").map(|b| b.0),
            Some(true)
        );
        assert_eq!(c.bool("userland-proxy", None, "userland-proxy"), None);
        assert_eq!(c.pointer(&Src::Flag(5)), "/args/5");
        assert_eq!(c.describe(&Src::Flag(1)), "the dockerd flag `-H fd://`");
        assert_eq!(
            c.describe(&Src::Flag(6)),
            "the dockerd flag `--log-level debug`"
        );
        assert_eq!(c.describe(&Src::Flag(5)), "the dockerd flag `--icc=false`");
    }

    #[test]
    fn absent_json_is_complete_unknown_is_not() {
        assert!(cfg(&["dockerd"], None).complete());
        let host = HostFacts {
            dockerd_args: Some(vec!["dockerd".into()]),
            ..HostFacts::default()
        };
        assert!(!DaemonConfig::new(Some(&host), &mut Vec::new()).complete());
        let mut notes = Vec::new();
        let bad = HostFacts {
            dockerd_args: Some(vec!["dockerd".into()]),
            daemon_json: Some(FileFact {
                path: "/etc/docker/daemon.json".into(),
                exists: true,
                content: Some("{not json".into()),
                ..FileFact::default()
            }),
            ..HostFacts::default()
        };
        assert!(!DaemonConfig::new(Some(&bad), &mut notes).complete());
        assert_eq!(notes.len(), 1);
    }
}
