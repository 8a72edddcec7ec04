//! Parsers for the short value syntaxes that `docker run`, compose and the Engine
//! API share: volumes (`SRC:DST:OPTS`), ports (`IP:HOST:CONTAINER/PROTO`), sizes
//! (`512m`), CPUs (`1.5`), ulimits, devices and restart policies. Each returns a
//! typed error message instead of guessing.

use crate::spec::{Device, Mount, MountKind, Port, Restart, Ulimit};

/// Options that may follow the target of a short volume spec.
pub const VOLUME_OPTIONS: &[&str] = &[
    "ro",
    "rw",
    "z",
    "Z",
    "shared",
    "rshared",
    "slave",
    "rslave",
    "private",
    "rprivate",
    "nocopy",
    "consistent",
    "cached",
    "delegated",
];

/// Whether a volume source is a host path rather than a volume name: absolute,
/// relative (`./`, `../`, `.`), home-relative (`~`), or a Windows drive path.
pub fn is_host_path(src: &str) -> bool {
    src.starts_with('/')
        || src.starts_with('.')
        || src.starts_with('~')
        || src.starts_with('\\')
        || is_windows_drive(src)
}

fn is_windows_drive(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() >= 2 && b[0].is_ascii_alphabetic() && b[1] == b':'
}

/// Splits a short volume spec on `:`, keeping a Windows drive letter (`C:\data`)
/// with its path.
fn split_volume(spec: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut start = 0;
    let bytes = spec.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b':' {
            // `C:` at the start of a part followed by `\` or `/` is a drive.
            let is_drive = i == start + 1
                && bytes[start].is_ascii_alphabetic()
                && matches!(bytes.get(i + 1), Some(b'\\') | Some(b'/'));
            if !is_drive {
                parts.push(&spec[start..i]);
                start = i + 1;
            }
        }
        i += 1;
    }
    parts.push(&spec[start..]);
    parts
}

/// Parses a short volume spec (`-v`, compose `volumes:` short syntax, API `Binds`):
/// `DST`, `SRC:DST` or `SRC:DST:OPTS`. A source that is not a host path is a named
/// volume.
pub fn parse_volume_spec(spec: &str) -> Result<Mount, String> {
    let parts = split_volume(spec);
    let (src, dst, opts) = match parts.as_slice() {
        [dst] => (None, *dst, None),
        [a, b] => {
            // `DST:OPTS` is not a form the engine accepts, but `SRC:DST` is.
            (Some(*a), *b, None)
        }
        [a, b, c] => (Some(*a), *b, Some(*c)),
        _ => return Err(format!("invalid volume specification `{spec}`")),
    };
    if dst.is_empty() {
        return Err(format!(
            "invalid volume specification `{spec}`: empty target"
        ));
    }
    let mut m = match src {
        Some("") => {
            return Err(format!(
                "invalid volume specification `{spec}`: empty source"
            ))
        }
        Some(s) if is_host_path(s) => {
            let mut m = Mount::new(MountKind::Bind, dst);
            m.source = Some(s.to_string());
            m.host_path = Some(s.to_string());
            m
        }
        Some(s) => {
            let mut m = Mount::new(MountKind::Volume, dst);
            m.source = Some(s.to_string());
            m
        }
        None => Mount::new(MountKind::Volume, dst),
    };
    if let Some(opts) = opts {
        for o in opts.split(',') {
            match o {
                "ro" => m.read_only = true,
                "rw" => m.read_only = false,
                "z" | "Z" => m.selinux = Some(o.to_string()),
                "shared" | "rshared" | "slave" | "rslave" | "private" | "rprivate" => {
                    m.propagation = Some(o.to_string())
                }
                _ if VOLUME_OPTIONS.contains(&o) => {}
                _ => {
                    return Err(format!(
                        "invalid volume specification `{spec}`: unknown option `{o}`"
                    ))
                }
            }
        }
    }
    Ok(m)
}

/// Parses `--mount type=bind,src=/,dst=/host,readonly,bind-propagation=rshared`
/// (the CSV form of `docker run --mount` and `docker service create --mount`).
pub fn parse_mount_csv(spec: &str) -> Result<Mount, String> {
    let mut kind = MountKind::Volume;
    let mut m = Mount::new(MountKind::Volume, "");
    let mut target = None;
    for field in spec.split(',') {
        let (k, v) = match field.split_once('=') {
            Some((k, v)) => (k.trim().to_ascii_lowercase(), Some(v.trim())),
            None => (field.trim().to_ascii_lowercase(), None),
        };
        let flag = |v: Option<&str>| -> Result<bool, String> {
            match v {
                None => Ok(true),
                Some(v) => crate::spec::parse_bool(v)
                    .ok_or_else(|| format!("invalid value `{v}` for `{k}` in `--mount {spec}`")),
            }
        };
        match k.as_str() {
            "type" => kind = MountKind::parse(v.unwrap_or("")),
            "source" | "src" => m.source = v.map(str::to_string),
            "target" | "dst" | "destination" => target = v.map(str::to_string),
            "readonly" | "ro" => m.read_only = flag(v)?,
            "bind-propagation" => m.propagation = v.map(str::to_string),
            "volume-driver" => m.volume_driver = v.map(str::to_string),
            "volume-opt" => {
                if let Some((ok, ov)) = v.and_then(|v| v.split_once('=')) {
                    m.volume_options.push((ok.to_string(), ov.to_string()));
                }
            }
            "tmpfs-mode" | "tmpfs-size" => {
                if let Some(v) = v {
                    m.tmpfs_options
                        .push(format!("{}={v}", &k["tmpfs-".len()..]));
                }
            }
            "" => {}
            _ => {}
        }
    }
    m.kind = kind;
    m.target = target.ok_or_else(|| format!("`--mount {spec}` has no target"))?;
    if m.kind == MountKind::Bind {
        m.host_path = m.source.clone();
    }
    if m.kind == MountKind::Volume {
        m.host_path = local_volume_host_path(&m.volume_options);
    }
    Ok(m)
}

/// The host path a local-driver volume exposes, from its driver options: a bind
/// (`o: bind`, `device: /path`) or an overlay whose `lowerdir`/`upperdir` are host
/// paths. `None` for ordinary volumes.
pub fn local_volume_host_path(opts: &[(String, String)]) -> Option<String> {
    let get = |k: &str| opts.iter().rev().find(|(ok, _)| ok == k).map(|(_, v)| v);
    let o = get("o").map(String::as_str).unwrap_or("");
    let ty = get("type").map(String::as_str).unwrap_or("");
    let is_bind = o
        .split(',')
        .any(|x| x.trim() == "bind" || x.trim() == "rbind");
    if is_bind {
        return get("device").cloned();
    }
    if ty == "overlay" {
        for part in o.split(',') {
            if let Some((k, v)) = part.split_once('=') {
                if matches!(k.trim(), "lowerdir" | "upperdir") {
                    return v.split(':').next().map(str::to_string);
                }
            }
        }
    }
    None
}

/// Parses a port spec: `[[HOST_IP:][HOST_PORT]:]CONTAINER_PORT[/PROTO]`, with an
/// IPv6 host address in brackets (`[::1]:80:80`). Ranges (`8000-8010`) are kept.
pub fn parse_port_spec(spec: &str) -> Result<Port, String> {
    let bad = |why: &str| format!("invalid port `{spec}`: {why}");
    let s = spec.trim();
    let (rest, protocol) = match s.rsplit_once('/') {
        Some((r, p)) => (r, p.to_ascii_lowercase()),
        None => (s, "tcp".to_string()),
    };
    let (host_ip, rest) = if let Some(after) = rest.strip_prefix('[') {
        let (ip, tail) = after.split_once(']').ok_or_else(|| bad("unclosed `[`"))?;
        let tail = tail
            .strip_prefix(':')
            .ok_or_else(|| bad("`:` expected after `]`"))?;
        (Some(ip.to_string()), tail)
    } else {
        let parts: Vec<&str> = rest.split(':').collect();
        if parts.len() > 3 {
            // An IPv6 address without brackets: everything before the last two
            // parts.
            let n = parts.len();
            let ip_end = rest.len() - parts[n - 1].len() - parts[n - 2].len() - 2;
            (Some(rest[..ip_end].to_string()), &rest[ip_end + 1..])
        } else if parts.len() == 3 {
            let ip_len = parts[0].len();
            (Some(parts[0].to_string()), &rest[ip_len + 1..])
        } else {
            (None, rest)
        }
    };
    let (host, container) = match rest.rsplit_once(':') {
        Some((h, c)) => (Some(h), c),
        None => (None, rest),
    };
    let container_port = parse_port_range(container).ok_or_else(|| bad("bad container port"))?;
    let host_port = match host {
        None | Some("") => None,
        Some(h) => Some(parse_port_range(h).ok_or_else(|| bad("bad host port"))?),
    };
    let host_ip = host_ip.filter(|ip| !ip.is_empty());
    Ok(Port {
        host_ip,
        host_port,
        container_port,
        protocol,
    })
}

/// `80` or `8000-8010`.
pub fn parse_port_range(s: &str) -> Option<(u16, u16)> {
    let s = s.trim();
    match s.split_once('-') {
        Some((a, b)) => {
            let (a, b) = (a.trim().parse().ok()?, b.trim().parse().ok()?);
            (a <= b).then_some((a, b))
        }
        None => {
            let p = s.parse().ok()?;
            Some((p, p))
        }
    }
}

/// Parses a size as `docker run --memory` (`RAMInBytes`: `512m`, `1g`, `1024`,
/// `1.5g`, with an optional `b`/`ib` suffix) and compose (`1gb`) write it.
pub fn parse_bytes(s: &str) -> Result<i64, String> {
    let t = s.trim().to_ascii_lowercase();
    let num_end = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(t.len());
    let (num, unit) = t.split_at(num_end);
    let value: f64 = num.parse().map_err(|_| format!("invalid size `{s}`"))?;
    let unit = unit.trim();
    let unit = unit
        .strip_suffix("ib")
        .or_else(|| unit.strip_suffix('b'))
        .unwrap_or(unit);
    let mult: f64 = match unit {
        "" => 1.0,
        "k" => 1024.0,
        "m" => 1024.0 * 1024.0,
        "g" => 1024.0 * 1024.0 * 1024.0,
        "t" => 1024.0_f64.powi(4),
        "p" => 1024.0_f64.powi(5),
        _ => return Err(format!("invalid size `{s}`: unknown unit")),
    };
    let bytes = value * mult;
    if !bytes.is_finite() || bytes > i64::MAX as f64 {
        return Err(format!("invalid size `{s}`: too large"));
    }
    Ok(bytes as i64)
}

/// Parses `--cpus 1.5` into billionths of a CPU.
pub fn parse_cpus(s: &str) -> Result<i64, String> {
    let v: f64 = s
        .trim()
        .parse()
        .map_err(|_| format!("invalid CPU count `{s}`"))?;
    if !v.is_finite() || !(0.0..=1.0e9).contains(&v) {
        return Err(format!("invalid CPU count `{s}`"));
    }
    Ok((v * 1e9).round() as i64)
}

/// Parses `--ulimit nofile=1024:2048` (a single value sets both limits).
pub fn parse_ulimit(s: &str) -> Result<Ulimit, String> {
    let (name, limits) = s
        .split_once('=')
        .ok_or_else(|| format!("invalid ulimit `{s}`: NAME=SOFT[:HARD] expected"))?;
    let num = |x: &str| -> Result<i64, String> {
        x.trim()
            .parse()
            .map_err(|_| format!("invalid ulimit `{s}`: `{x}` is not a number"))
    };
    let (soft, hard) = match limits.split_once(':') {
        Some((a, b)) => (num(a)?, num(b)?),
        None => {
            let v = num(limits)?;
            (v, v)
        }
    };
    Ok(Ulimit {
        name: name.trim().to_string(),
        soft,
        hard,
    })
}

/// Parses `--device /dev/sda:/dev/xvda:rwm` (container path and permissions
/// optional).
pub fn parse_device(s: &str) -> Result<Device, String> {
    let parts: Vec<&str> = s.split(':').collect();
    let is_perms = |p: &str| !p.is_empty() && p.chars().all(|c| matches!(c, 'r' | 'w' | 'm'));
    let (host, container, permissions) = match parts.as_slice() {
        [h] => (*h, *h, "rwm"),
        [h, p] if is_perms(p) => (*h, *h, *p),
        [h, c] => (*h, *c, "rwm"),
        [h, c, p] if is_perms(p) => (*h, *c, *p),
        _ => return Err(format!("invalid device `{s}`")),
    };
    if host.is_empty() {
        return Err(format!("invalid device `{s}`: empty host path"));
    }
    Ok(Device {
        host: host.to_string(),
        container: container.to_string(),
        permissions: permissions.to_string(),
    })
}

/// Parses `--restart on-failure:5` / compose `restart: on-failure:5`.
pub fn parse_restart(s: &str) -> Result<Restart, String> {
    let t = s.trim();
    let (policy, retries) = match t.split_once(':') {
        Some((p, n)) => (
            p,
            Some(
                n.trim()
                    .parse::<i64>()
                    .map_err(|_| format!("invalid restart policy `{s}`"))?,
            ),
        ),
        None => (t, None),
    };
    let policy = match policy {
        "" | "no" | "none" => "no",
        "always" => "always",
        "unless-stopped" => "unless-stopped",
        "on-failure" => "on-failure",
        _ => return Err(format!("invalid restart policy `{s}`")),
    };
    if retries.is_some() && policy != "on-failure" {
        return Err(format!(
            "invalid restart policy `{s}`: only on-failure takes a retry count"
        ));
    }
    Ok(Restart {
        policy: policy.to_string(),
        max_retries: retries,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn volumes() {
        let m = parse_volume_spec("/:/host:ro,rshared").unwrap();
        assert_eq!(m.kind, MountKind::Bind);
        assert_eq!(m.host_path.as_deref(), Some("/"));
        assert!(m.read_only);
        assert_eq!(m.propagation.as_deref(), Some("rshared"));
        let m = parse_volume_spec("data:/var/lib/x").unwrap();
        assert_eq!(m.kind, MountKind::Volume);
        assert_eq!(m.host_path, None);
        let m = parse_volume_spec("/usr").unwrap();
        assert_eq!(m.kind, MountKind::Volume);
        assert_eq!(m.source, None);
        assert_eq!(m.target, "/usr");
        let m = parse_volume_spec(r"C:\data:/data:Z").unwrap();
        assert_eq!(m.source.as_deref(), Some(r"C:\data"));
        assert_eq!(m.selinux.as_deref(), Some("Z"));
        assert!(parse_volume_spec("/a:/b:bogus").is_err());
        assert!(parse_volume_spec("a:b:c:d").is_err());
    }

    #[test]
    fn mounts() {
        let m = parse_mount_csv("type=bind,src=/,dst=/h,readonly").unwrap();
        assert_eq!(m.kind, MountKind::Bind);
        assert_eq!(m.host_path.as_deref(), Some("/"));
        assert!(m.read_only);
        let m = parse_mount_csv("type=bind,source=/etc,target=/e,readonly=false").unwrap();
        assert!(!m.read_only);
        assert!(parse_mount_csv("type=bind,src=/").is_err());
        let m = parse_mount_csv(
            "type=volume,dst=/x,volume-opt=type=none,volume-opt=o=bind,volume-opt=device=/etc",
        )
        .unwrap();
        assert_eq!(m.host_path.as_deref(), Some("/etc"));
    }

    #[test]
    fn ports() {
        let p = parse_port_spec("80:80").unwrap();
        assert_eq!(
            (p.host_ip, p.host_port, p.container_port),
            (None, Some((80, 80)), (80, 80))
        );
        let p = parse_port_spec("127.0.0.1:8080:80/udp").unwrap();
        assert_eq!(p.host_ip.as_deref(), Some("127.0.0.1"));
        assert_eq!(p.protocol, "udp");
        let p = parse_port_spec("[::1]:80:80").unwrap();
        assert_eq!(p.host_ip.as_deref(), Some("::1"));
        let p = parse_port_spec("::1:80:80").unwrap();
        assert_eq!(p.host_ip.as_deref(), Some("::1"));
        let p = parse_port_spec("8000-8010:80-90").unwrap();
        assert_eq!(p.host_port, Some((8000, 8010)));
        let p = parse_port_spec("127.0.0.1::80").unwrap();
        assert_eq!(p.host_port, None);
        assert_eq!(p.host_ip.as_deref(), Some("127.0.0.1"));
        let p = parse_port_spec("3000").unwrap();
        assert_eq!((p.host_port, p.container_port), (None, (3000, 3000)));
        assert!(parse_port_spec("x:80").is_err());
    }

    #[test]
    fn sizes_cpus_limits() {
        assert_eq!(parse_bytes("512m").unwrap(), 512 << 20);
        assert_eq!(parse_bytes("1GB").unwrap(), 1 << 30);
        assert_eq!(parse_bytes("1.5g").unwrap(), 3 << 29);
        assert_eq!(parse_bytes("100").unwrap(), 100);
        assert!(parse_bytes("lots").is_err());
        assert!(parse_bytes("9999999999p").is_err());
        assert_eq!(parse_cpus("0.5").unwrap(), 500_000_000);
        assert_eq!(parse_ulimit("nofile=1024:2048").unwrap().hard, 2048);
        assert_eq!(parse_ulimit("nproc=10").unwrap().soft, 10);
        let d = parse_device("/dev/mem").unwrap();
        assert_eq!(
            (d.container.as_str(), d.permissions.as_str()),
            ("/dev/mem", "rwm")
        );
        let d = parse_device("/dev/sda:r").unwrap();
        assert_eq!(d.permissions, "r");
        assert_eq!(parse_restart("on-failure:7").unwrap().max_retries, Some(7));
        assert!(parse_restart("always:3").is_err());
        assert!(parse_restart("sometimes").is_err());
    }
}
