//! Published ports and devices, in short and long syntax.

use super::read::{kind_of, Read};
use super::Cx;
use crate::node::{Node, Value};
use hullguard_container::{parse, At, Device, Port};

/// Splits a short device mapping as `docker compose` does (`getDeployResources`
/// and compose-go `transformDeviceMapping`): `SRC[:DST[:PERMISSIONS]]`, the
/// second part always the container path (unlike `docker run --device`, where
/// `/dev/sda:r` means permissions).
fn parse_compose_device(s: &str) -> Result<Device, String> {
    let parts: Vec<&str> = s.split(':').collect();
    let (src, dst, perms) = match parts.as_slice() {
        [src] => (*src, "", "rwm"),
        [src, dst] => (*src, *dst, "rwm"),
        [src, dst, perms] => (*src, *dst, *perms),
        _ => {
            return Err(format!(
                "confusing device mapping `{s}`, use the long syntax"
            ))
        }
    };
    if src.is_empty() {
        return Err(format!("device mapping `{s}` has no host path"));
    }
    Ok(Device {
        host: src.to_string(),
        container: if dst.is_empty() { src } else { dst }.to_string(),
        permissions: perms.to_string(),
    })
}

impl Cx<'_> {
    /// `ports:` items: a number, a short spec (`[IP:][HOST:]CONTAINER[/PROTO]`,
    /// ranges, IPv6), or the long syntax `{target, published, host_ip, protocol}`.
    pub(super) fn ports(&mut self, node: &Node) {
        for item in self.items("ports", node, false) {
            let at = item.location();
            let port = match &item.value {
                Value::Scalar(s) => match parse::parse_port_spec(&s.text) {
                    Ok(p) => p,
                    Err(e) => {
                        self.problem(at.clone(), e);
                        self.unresolved("ports", at);
                        continue;
                    }
                },
                Value::Map(_) => match self.long_port(item) {
                    Some(p) => p,
                    None => {
                        self.unresolved("ports", at);
                        continue;
                    }
                },
                _ => {
                    self.problem(
                        at.clone(),
                        format!(
                            "a port must be a string, a number or a mapping, not {}",
                            kind_of(item)
                        ),
                    );
                    self.unresolved("ports", at);
                    continue;
                }
            };
            self.spec.ports.push(At::new(port, at));
        }
    }

    /// A long-syntax port, or `None` (reported when wrong) when it cannot be
    /// known.
    fn long_port(&mut self, item: &Node) -> Option<Port> {
        let mut known = true;
        let mut text = |cx: &mut Cx<'_>, key: &str| -> Option<String> {
            let n = item.get(key)?;
            match cx.scalar(&format!("ports.{key}"), n) {
                Read::Text(t, _) => Some(t.to_string()),
                Read::Absent => None,
                Read::Unknown(_) => {
                    known = false;
                    None
                }
            }
        };
        let target = text(self, "target");
        let published = text(self, "published");
        let host_ip = text(self, "host_ip");
        let protocol = text(self, "protocol");
        if !known {
            return None;
        }
        let Some(target) = target else {
            self.problem(item.location(), "port without a `target`");
            return None;
        };
        let Some(container_port) = parse::parse_port_range(&target) else {
            self.problem(
                item.location(),
                format!("invalid port `target`: `{target}`"),
            );
            return None;
        };
        let host_port = match published.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(p) => match parse::parse_port_range(p) {
                Some(r) => Some(r),
                None => {
                    self.problem(item.location(), format!("invalid port `published`: `{p}`"));
                    return None;
                }
            },
        };
        Some(Port {
            host_ip: host_ip.filter(|ip| !ip.is_empty()),
            host_port,
            container_port,
            protocol: protocol
                .map(|p| p.to_ascii_lowercase())
                .unwrap_or_else(|| "tcp".to_string()),
        })
    }

    /// `devices:` items: `SRC[:DST[:PERMS]]` or `{source, target, permissions}`.
    pub(super) fn devices(&mut self, node: &Node) {
        for item in self.items("devices", node, false) {
            let at = item.location();
            let device = match &item.value {
                Value::Scalar(s) => parse_compose_device(&s.text).map_err(Some),
                Value::Map(_) => self.long_device(item),
                _ => Err(Some(format!(
                    "a device must be a string or a mapping, not {}",
                    kind_of(item)
                ))),
            };
            match device {
                Ok(d) => self.spec.devices.push(At::new(d, at)),
                Err(e) => {
                    if let Some(e) = e {
                        self.problem(at.clone(), e);
                    }
                    self.unresolved("devices", at);
                }
            }
        }
    }

    /// A long-syntax device; `Err(None)` when a value is unresolved.
    fn long_device(&mut self, item: &Node) -> Result<Device, Option<String>> {
        let field = |cx: &mut Cx<'_>, key: &str| -> Result<Option<String>, Option<String>> {
            match item
                .get(key)
                .map(|n| cx.scalar(&format!("devices.{key}"), n))
            {
                None | Some(Read::Absent) => Ok(None),
                Some(Read::Text(t, _)) => Ok(Some(t.to_string())),
                Some(Read::Unknown(_)) => Err(None),
            }
        };
        let source = field(self, "source")?;
        let target = field(self, "target")?;
        let permissions = field(self, "permissions")?;
        let source = source
            .filter(|s| !s.is_empty())
            .ok_or_else(|| Some("device without a `source`".to_string()))?;
        Ok(Device {
            container: target
                .filter(|t| !t.is_empty())
                .unwrap_or_else(|| source.clone()),
            host: source,
            permissions: permissions
                .filter(|p| !p.is_empty())
                .unwrap_or_else(|| "rwm".to_string()),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_devices() {
        let d = parse_compose_device("/dev/sda:r").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            (
                d.host.as_str(),
                d.container.as_str(),
                d.permissions.as_str()
            ),
            ("/dev/sda", "r", "rwm")
        );
        let d = parse_compose_device("/dev/fuse").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(d.container, "/dev/fuse");
        assert!(parse_compose_device("a:b:c:d").is_err());
    }
}
