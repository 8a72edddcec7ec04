fn main() {
    let s = "set -eux; apt-get update && apt-get install -y --no-install-recommends ca-certificates curl gnupg=2.2.40-1 \\\n  && curl -fsSL https://deb.nodesource.com/setup_20.x | bash - \\\n  && apt-get install -y nodejs && npm install -g yarn@1.22 \\\n  && rm -rf /var/lib/apt/lists/* && sh -c 'echo $HOME > /tmp/x' && useradd -m app";
    println!("{} bytes", s.len());
    let n = 20000;
    let t = std::time::Instant::now();
    let mut k = 0;
    for _ in 0..n {
        k += hullguard_shell::analyze(s).commands.len();
    }
    println!("{:?} per call, {} cmds", t.elapsed() / n, k / n as usize);
}
