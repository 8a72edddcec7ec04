//! `docker run`, `docker create` and `docker container run|create` command lines,
//! as given to `hullguard check` or found in shell scripts, turned into
//! [`ContainerSpec`](hullguard_container::ContainerSpec)s.
