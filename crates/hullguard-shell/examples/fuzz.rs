fn main() {
    let alphabet: Vec<&str> = vec![
        "$(", ")", "`", "'", "\"", "\\", "\n", "\r\n", " ", "|", "&&", "||", ";", "&", "<<", "EOF",
        "<<-", "<(", ">(", "{", "}", "(", "((", "))", "[[", "]]", "[", "]", "if", "then", "fi",
        "for", "in", "do", "done", "case", "esac", ";;", "sh", "-c", "eval", "su", "sudo", "$'",
        "${", "$", "=", "a", "ü", "日", "#", ">", "2>&1", "<<<", "!", "\\\n", "-ec", "bash",
    ];
    let mut seed: u64 = 0x2545F4914F6CDD1D;
    let mut rnd = || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let t = std::time::Instant::now();
    let mut max = std::time::Duration::ZERO;
    for i in 0..200_000 {
        let len = (rnd() % 40) as usize;
        let s: String = (0..len)
            .map(|_| alphabet[(rnd() % alphabet.len() as u64) as usize])
            .collect();
        let t1 = std::time::Instant::now();
        let sc = hullguard_shell::analyze(&s);
        max = max.max(t1.elapsed());
        for c in &sc.commands {
            for sp in std::iter::once(c.span)
                .chain(c.words.iter().map(|w| w.span))
                .chain(c.redirects.iter().map(|r| r.span))
            {
                assert!(
                    sp.end <= s.len() && s.is_char_boundary(sp.start) && s.is_char_boundary(sp.end),
                    "{i} {s:?} {sp:?}"
                );
            }
        }
        for e in &sc.errors {
            assert!(
                e.span.end <= s.len()
                    && s.is_char_boundary(e.span.start)
                    && s.is_char_boundary(e.span.end)
            );
        }
    }
    println!("fuzz ok in {:?}, max {:?}", t.elapsed(), max);
}
