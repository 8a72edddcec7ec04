//! The Go types of the Engine API documents, as far as hullguard reads them:
//! `container.CreateRequest`, `container.InspectResponse` and
//! `image.InspectResponse` of moby's `api/types`
//! (<https://github.com/moby/moby/tree/master/api/types>), with Go's JSON names
//! (`CPUShares` is written `CpuShares`). Fields hullguard does not read are left
//! out: the decoder skips them as Go skips unknown ones, and no two field names
//! of a struct fold to the same name, so leaving them out changes no match.

use super::decode::{field, legacy, Field, IntKind, Ty};

static BOOL: Ty = Ty::Bool;
static I64: Ty = Ty::Int(IntKind::I64);
static U16: Ty = Ty::Int(IntKind::U16);
/// `os.FileMode`.
static U32: Ty = Ty::Int(IntKind::U32);
static STR: Ty = Ty::Str;
static STRS: Ty = Ty::Slice(&STR);
static STR_LIST: Ty = Ty::StrList;
static STR_MAP: Ty = Ty::Map(&STR);
static OPT_BOOL: Ty = Ty::Ptr(&BOOL);
static OPT_I64: Ty = Ty::Ptr(&I64);
/// A struct none of whose fields hullguard reads (`struct{}`,
/// `EndpointSettings`): only its type is checked.
static OPAQUE: Ty = Ty::Struct(&[]);
static OPT_OPAQUE: Ty = Ty::Ptr(&OPAQUE);

/// `container.HealthConfig` (`Test []string`).
static HEALTH: Ty = Ty::Struct(&[field("Test", &STRS)]);
static OPT_HEALTH: Ty = Ty::Ptr(&HEALTH);

/// `map[string]struct{}` of `Config.Volumes`.
static VOLUME_SET: Ty = Ty::Map(&OPAQUE);

static LOG_CONFIG: Ty = Ty::Struct(&[field("Type", &STR)]);
static PORT_BINDING: Ty = Ty::Struct(&[field("HostIp", &STR), field("HostPort", &STR)]);
static PORT_BINDINGS: Ty = Ty::Slice(&PORT_BINDING);
/// `nat.PortMap`: `map[Port][]PortBinding`.
static PORT_MAP: Ty = Ty::Map(&PORT_BINDINGS);
static RESTART_POLICY: Ty = Ty::Struct(&[
    field("Name", &STR),
    // Go `int`: 64 bits on the platforms the engine runs on.
    field("MaximumRetryCount", &I64),
]);

static BIND_OPTIONS: Ty = Ty::Struct(&[field("Propagation", &STR)]);
static DRIVER: Ty = Ty::Struct(&[field("Name", &STR), field("Options", &STR_MAP)]);
static VOLUME_OPTIONS: Ty = Ty::Struct(&[field("DriverConfig", &OPT_DRIVER)]);
static OPT_DRIVER: Ty = Ty::Ptr(&DRIVER);
static STRS_LIST: Ty = Ty::Slice(&STRS);
static TMPFS_OPTIONS: Ty = Ty::Struct(&[
    field("SizeBytes", &I64),
    field("Mode", &U32),
    field("Options", &STRS_LIST),
]);
static OPT_BIND_OPTIONS: Ty = Ty::Ptr(&BIND_OPTIONS);
static OPT_VOLUME_OPTIONS: Ty = Ty::Ptr(&VOLUME_OPTIONS);
static OPT_TMPFS_OPTIONS: Ty = Ty::Ptr(&TMPFS_OPTIONS);
/// `mount.Mount`.
static MOUNT: Ty = Ty::Struct(&[
    field("Type", &STR),
    field("Source", &STR),
    field("Target", &STR),
    field("ReadOnly", &BOOL),
    field("BindOptions", &OPT_BIND_OPTIONS),
    field("VolumeOptions", &OPT_VOLUME_OPTIONS),
    field("TmpfsOptions", &OPT_TMPFS_OPTIONS),
]);
static MOUNTS: Ty = Ty::Slice(&MOUNT);

static DEVICE: Ty = Ty::Struct(&[
    field("PathOnHost", &STR),
    field("PathInContainer", &STR),
    field("CgroupPermissions", &STR),
]);
static DEVICES: Ty = Ty::Slice(&DEVICE);
static ULIMIT: Ty = Ty::Struct(&[
    field("Name", &STR),
    field("Hard", &I64),
    field("Soft", &I64),
]);
/// `[]*units.Ulimit`.
static ULIMITS: Ty = Ty::Slice(&OPT_ULIMIT);
static OPT_ULIMIT: Ty = Ty::Ptr(&ULIMIT);

/// The fields of `container.HostConfig`, with those of the embedded `Resources`
/// promoted into it as Go does, after the `$extra` fields. `$f` is [`field`], or
/// [`legacy`] for the copy at the top level of a create body.
macro_rules! host_config_fields {
    ($f:ident $(, $extra:expr)* $(,)?) => {
        [
            $($extra,)*
            $f("Binds", &STRS),
            $f("LogConfig", &LOG_CONFIG),
            $f("NetworkMode", &STR),
            $f("PortBindings", &PORT_MAP),
            $f("RestartPolicy", &RESTART_POLICY),
            $f("CapAdd", &STR_LIST),
            $f("CapDrop", &STR_LIST),
            $f("CgroupnsMode", &STR),
            $f("GroupAdd", &STRS),
            $f("IpcMode", &STR),
            $f("OomScoreAdj", &I64),
            $f("PidMode", &STR),
            $f("Privileged", &BOOL),
            $f("PublishAllPorts", &BOOL),
            $f("ReadonlyRootfs", &BOOL),
            $f("SecurityOpt", &STRS),
            $f("Tmpfs", &STR_MAP),
            $f("UTSMode", &STR),
            $f("UsernsMode", &STR),
            $f("Sysctls", &STR_MAP),
            $f("Runtime", &STR),
            $f("Mounts", &MOUNTS),
            $f("Init", &OPT_BOOL),
            // Resources.
            $f("CpuShares", &I64),
            $f("Memory", &I64),
            $f("NanoCpus", &I64),
            $f("CgroupParent", &STR),
            $f("BlkioWeight", &U16),
            $f("CpuPeriod", &I64),
            $f("CpuQuota", &I64),
            $f("CpusetCpus", &STR),
            $f("Devices", &DEVICES),
            $f("DeviceCgroupRules", &STRS),
            $f("MemoryReservation", &I64),
            $f("MemorySwap", &I64),
            $f("OomKillDisable", &OPT_BOOL),
            $f("PidsLimit", &OPT_I64),
            $f("Ulimits", &ULIMITS),
        ]
    };
}

static HOST_CONFIG_FIELDS: [Field; 38] = host_config_fields!(field);
static HOST_CONFIG: Ty = Ty::Struct(&HOST_CONFIG_FIELDS);
static OPT_HOST_CONFIG: Ty = Ty::Ptr(&HOST_CONFIG);

/// `map[string]*network.EndpointSettings`.
static ENDPOINTS: Ty = Ty::Map(&OPT_OPAQUE);
static NETWORKING_CONFIG: Ty = Ty::Struct(&[field("EndpointsConfig", &ENDPOINTS)]);
static OPT_NETWORKING_CONFIG: Ty = Ty::Ptr(&NETWORKING_CONFIG);

/// `container.Config`.
static CONFIG: Ty = Ty::Struct(&[
    field("User", &STR),
    field("Env", &STRS),
    field("Healthcheck", &OPT_HEALTH),
    field("Image", &STR),
    field("Volumes", &VOLUME_SET),
]);
static OPT_CONFIG: Ty = Ty::Ptr(&CONFIG);

/// `container.CreateRequest`: `Config` embedded (its fields at the top level),
/// `HostConfig` and `NetworkingConfig`. Engines before 27.0 decoded the body into
/// `runconfig.ContainerConfigWrapper`, which also embedded a `HostConfig`: its
/// fields, read at the top level, became the host configuration when the
/// `HostConfig` key was absent (moby#48007 removed it). They are the `legacy`
/// fields; `Config`'s and `HostConfig`'s names do not overlap, so Go's embedding
/// rules drop none of them.
pub(crate) static CREATE_BODY: [Field; 45] = host_config_fields!(
    legacy,
    field("User", &STR),
    field("Env", &STRS),
    field("Healthcheck", &OPT_HEALTH),
    field("Image", &STR),
    field("Volumes", &VOLUME_SET),
    field("HostConfig", &OPT_HOST_CONFIG),
    field("NetworkingConfig", &OPT_NETWORKING_CONFIG),
);

static MOUNT_POINT: Ty = Ty::Struct(&[
    field("Type", &STR),
    field("Name", &STR),
    field("Source", &STR),
    field("Destination", &STR),
    field("Driver", &STR),
    field("RW", &BOOL),
    field("Propagation", &STR),
]);
static MOUNT_POINTS: Ty = Ty::Slice(&MOUNT_POINT);
static NETWORK_SETTINGS: Ty = Ty::Struct(&[field("Networks", &ENDPOINTS)]);
static OPT_NETWORK_SETTINGS: Ty = Ty::Ptr(&NETWORK_SETTINGS);

/// `container.InspectResponse` (`GET /containers/{id}/json`).
pub(crate) static INSPECT: [Field; 4] = [
    field("HostConfig", &OPT_HOST_CONFIG),
    field("Mounts", &MOUNT_POINTS),
    field("Config", &OPT_CONFIG),
    field("NetworkSettings", &OPT_NETWORK_SETTINGS),
];

static IMAGE_CONFIG: Ty = Ty::Struct(&[field("User", &STR), field("Healthcheck", &OPT_HEALTH)]);
static OPT_IMAGE_CONFIG: Ty = Ty::Ptr(&IMAGE_CONFIG);

/// `image.InspectResponse` (`GET /images/{name}/json`).
pub(crate) static IMAGE_INSPECT: [Field; 1] = [field("Config", &OPT_IMAGE_CONFIG)];

#[cfg(test)]
mod tests {
    use super::*;

    /// Go would drop two fields whose names collide, and the decoder assumes
    /// folded names are unique.
    fn assert_unique(fields: &[Field]) {
        for (i, a) in fields.iter().enumerate() {
            for b in fields.get(i + 1..).unwrap_or_default() {
                assert!(!a.name.eq_ignore_ascii_case(b.name), "{} twice", a.name);
            }
            if let Ty::Struct(inner) | Ty::Ptr(Ty::Struct(inner)) = a.ty {
                assert_unique(inner);
            }
        }
    }

    #[test]
    fn names_are_unique_when_folded() {
        assert_unique(&CREATE_BODY);
        assert_unique(&INSPECT);
        assert_unique(&IMAGE_INSPECT);
        assert_unique(&HOST_CONFIG_FIELDS);
        assert_eq!(
            CREATE_BODY.iter().filter(|f| f.legacy).count(),
            HOST_CONFIG_FIELDS.len()
        );
    }
}
