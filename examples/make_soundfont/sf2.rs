//! A small SoundFont 2 writer: RIFF `sfbk` with INFO, 16-bit `sdta/smpl` and the nine `pdta`
//! sub-chunks, each ending in the terminal record the specification asks for.

/// SF2 generator numbers used by the sound designs.
#[allow(dead_code)] // The full set of generators the designs may use.
pub mod op {
    pub const MOD_LFO_TO_PITCH: u16 = 5;
    pub const VIB_LFO_TO_PITCH: u16 = 6;
    pub const MOD_ENV_TO_PITCH: u16 = 7;
    pub const INITIAL_FILTER_FC: u16 = 8;
    pub const INITIAL_FILTER_Q: u16 = 9;
    pub const MOD_LFO_TO_FILTER_FC: u16 = 10;
    pub const MOD_ENV_TO_FILTER_FC: u16 = 11;
    pub const MOD_LFO_TO_VOLUME: u16 = 13;
    pub const CHORUS_SEND: u16 = 15;
    pub const REVERB_SEND: u16 = 16;
    pub const PAN: u16 = 17;
    pub const DELAY_MOD_LFO: u16 = 21;
    pub const FREQ_MOD_LFO: u16 = 22;
    pub const DELAY_VIB_LFO: u16 = 23;
    pub const FREQ_VIB_LFO: u16 = 24;
    pub const ATTACK_MOD_ENV: u16 = 26;
    pub const DECAY_MOD_ENV: u16 = 28;
    pub const SUSTAIN_MOD_ENV: u16 = 29;
    pub const RELEASE_MOD_ENV: u16 = 30;
    pub const DELAY_VOL_ENV: u16 = 33;
    pub const ATTACK_VOL_ENV: u16 = 34;
    pub const HOLD_VOL_ENV: u16 = 35;
    pub const DECAY_VOL_ENV: u16 = 36;
    pub const SUSTAIN_VOL_ENV: u16 = 37;
    pub const RELEASE_VOL_ENV: u16 = 38;
    pub const KEYNUM_TO_VOL_ENV_DECAY: u16 = 40;
    pub const INSTRUMENT: u16 = 41;
    pub const KEY_RANGE: u16 = 43;
    pub const VEL_RANGE: u16 = 44;
    pub const INITIAL_ATTENUATION: u16 = 48;
    pub const COARSE_TUNE: u16 = 51;
    pub const FINE_TUNE: u16 = 52;
    pub const SAMPLE_ID: u16 = 53;
    pub const SAMPLE_MODES: u16 = 54;
    pub const SCALE_TUNING: u16 = 56;
    pub const EXCLUSIVE_CLASS: u16 = 57;
    pub const OVERRIDING_ROOT_KEY: u16 = 58;
}

/// Seconds as SF2 timecents.
pub fn timecents(seconds: f64) -> i16 {
    (1200.0 * seconds.max(0.001).log2())
        .round()
        .clamp(-12000.0, 8000.0) as i16
}

/// Hertz as SF2 absolute cents (filter cutoffs, LFO rates).
pub fn abs_cents(hz: f64) -> i16 {
    (1200.0 * (hz / 8.176).log2())
        .round()
        .clamp(-16000.0, 13500.0) as i16
}

/// One generator: an amount, or a low–high range.
#[derive(Clone, Copy, Debug)]
pub enum Gen {
    Amount(u16, i16),
    Range(u16, u8, u8),
}

impl Gen {
    fn op(&self) -> u16 {
        match *self {
            Gen::Amount(op, _) | Gen::Range(op, _, _) => op,
        }
    }

    fn bytes(&self) -> [u8; 4] {
        let op = self.op().to_le_bytes();
        match *self {
            Gen::Amount(_, v) => {
                let v = v.to_le_bytes();
                [op[0], op[1], v[0], v[1]]
            }
            Gen::Range(_, lo, hi) => [op[0], op[1], lo, hi],
        }
    }

    /// keyRange first, velRange second, sampleID / instrument last, as the spec requires.
    fn rank(&self) -> u8 {
        match self.op() {
            op::KEY_RANGE => 0,
            op::VEL_RANGE => 1,
            op::SAMPLE_ID | op::INSTRUMENT => 3,
            _ => 2,
        }
    }
}

/// A zone: a list of generators.
#[derive(Clone, Debug, Default)]
pub struct Zone(pub Vec<Gen>);

impl Zone {
    pub fn set(mut self, op: u16, v: i16) -> Zone {
        self.0.retain(|g| g.op() != op);
        self.0.push(Gen::Amount(op, v));
        self
    }

    pub fn range(mut self, op: u16, lo: u8, hi: u8) -> Zone {
        self.0.retain(|g| g.op() != op);
        self.0.push(Gen::Range(op, lo, hi));
        self
    }

    /// A volume envelope that holds while the key is down; times in seconds.
    pub fn sustained(attack: f64, release: f64) -> Zone {
        Zone::default()
            .set(op::ATTACK_VOL_ENV, timecents(attack))
            .set(op::RELEASE_VOL_ENV, timecents(release))
    }

    /// A volume envelope that dies away under a held key, as struck and plucked sounds do;
    /// `key_track` timecents per key shorten the decay up the keyboard (0 leaves it even).
    pub fn decaying(attack: f64, decay: f64, key_track: i16, release: f64) -> Zone {
        let zone = Zone::default()
            .set(op::ATTACK_VOL_ENV, timecents(attack))
            .set(op::DECAY_VOL_ENV, timecents(decay));
        let zone = if key_track == 0 {
            zone
        } else {
            zone.set(op::KEYNUM_TO_VOL_ENV_DECAY, key_track)
        };
        zone.set(op::SUSTAIN_VOL_ENV, 1000)
            .set(op::RELEASE_VOL_ENV, timecents(release))
    }

    /// No delay and no attack of its own: the sample's first sample is the hit. (The default
    /// delay, -12000 timecents, is 1 ms, not none.)
    pub fn no_attack(self) -> Zone {
        self.set(op::DELAY_VOL_ENV, -32768)
            .set(op::ATTACK_VOL_ENV, -32768)
    }

    /// Vibrato that starts after `delay` seconds, at `hz`, `cents` deep.
    pub fn vibrato(self, delay: f64, hz: f64, cents: i16) -> Zone {
        self.set(op::DELAY_VIB_LFO, timecents(delay))
            .set(op::FREQ_VIB_LFO, abs_cents(hz))
            .set(op::VIB_LFO_TO_PITCH, cents)
    }

    fn sorted(&self) -> Vec<Gen> {
        let mut g = self.0.clone();
        g.sort_by_key(Gen::rank);
        g
    }
}

#[derive(Clone, Debug)]
struct SampleRecord {
    name: String,
    start: u32,
    end: u32,
    loop_start: u32,
    loop_end: u32,
    rate: u32,
    root: u8,
    correction: i8,
}

#[derive(Clone, Debug)]
struct Instrument {
    name: String,
    global: Zone,
    zones: Vec<Zone>,
}

#[derive(Clone, Debug)]
struct Preset {
    name: String,
    program: u16,
    bank: u16,
    zones: Vec<Zone>,
}

/// A SoundFont being built.
#[derive(Default)]
pub struct Sf2 {
    data: Vec<i16>,
    samples: Vec<SampleRecord>,
    instruments: Vec<Instrument>,
    presets: Vec<Preset>,
}

/// The 46 zero samples the spec asks for after each sample.
const GUARD: usize = 46;

impl Sf2 {
    /// Adds a mono sample (values −1..1) and returns its index. `lp` is the loop (start,
    /// end) in samples from the sample's start.
    pub fn sample(
        &mut self,
        name: &str,
        pcm: &[f32],
        rate: u32,
        root: u8,
        correction: i8,
        lp: Option<(usize, usize)>,
    ) -> i16 {
        let start = self.data.len() as u32;
        self.data.extend(
            pcm.iter()
                .map(|&x| (x.clamp(-1.0, 1.0) * 32767.0).round() as i16),
        );
        let end = self.data.len() as u32;
        self.data.extend(std::iter::repeat_n(0i16, GUARD));
        let (ls, le) = match lp {
            Some((a, b)) => (start + a as u32, start + b as u32),
            // One-shots still need loop points inside the sample; they are ignored.
            None => (start + 8.min(end - start), end.saturating_sub(8).max(start)),
        };
        self.samples.push(SampleRecord {
            name: name.to_string(),
            start,
            end,
            loop_start: ls,
            loop_end: le,
            rate,
            root,
            correction,
        });
        (self.samples.len() - 1) as i16
    }

    /// Adds an instrument with a global zone and returns its index.
    pub fn instrument(&mut self, name: &str, global: Zone, zones: Vec<Zone>) -> i16 {
        self.instruments.push(Instrument {
            name: name.to_string(),
            global,
            zones,
        });
        (self.instruments.len() - 1) as i16
    }

    /// Adds a preset at bank:program whose zones name instruments.
    pub fn preset(&mut self, name: &str, bank: u16, program: u16, zones: Vec<Zone>) {
        self.presets.push(Preset {
            name: name.to_string(),
            program,
            bank,
            zones,
        });
    }

    /// Bytes of the sample data.
    pub fn sample_bytes(&self) -> usize {
        self.data.len() * 2
    }

    /// The whole file.
    pub fn write(&self, info_name: &str, comment: &str) -> Vec<u8> {
        let mut info = Vec::new();
        info.extend(chunk(b"ifil", &[2, 0, 1, 0]));
        info.extend(chunk(b"isng", &zstr("EMU8000", 0)));
        info.extend(chunk(b"INAM", &zstr(info_name, 0)));
        info.extend(chunk(b"ICMT", &zstr(comment, 0)));
        info.extend(chunk(b"ISFT", &zstr("flam make_soundfont", 0)));
        let mut smpl = Vec::with_capacity(self.data.len() * 2);
        for s in &self.data {
            smpl.extend(s.to_le_bytes());
        }
        let sdta = chunk(b"smpl", &smpl);

        // Presets are sorted by bank, then program, as players expect.
        let mut presets = self.presets.clone();
        presets.sort_by_key(|p| (p.bank, p.program));
        let mut phdr = Vec::new();
        let mut pzones = Bags::default();
        for p in &presets {
            phdr.extend(preset_header(&p.name, p.program, p.bank, pzones.count));
            for z in &p.zones {
                pzones.add(z);
            }
        }
        phdr.extend(preset_header("EOP", 0, 0, pzones.count));
        let (pbag, pgen) = pzones.finish();

        let mut inst = Vec::new();
        let mut izones = Bags::default();
        for ins in &self.instruments {
            inst.extend(instrument_header(&ins.name, izones.count));
            let global = (!ins.global.0.is_empty()).then_some(&ins.global);
            for z in global.into_iter().chain(&ins.zones) {
                izones.add(z);
            }
        }
        inst.extend(instrument_header("EOI", izones.count));
        let (ibag, igen) = izones.finish();

        let mut shdr = Vec::new();
        for s in &self.samples {
            shdr.extend(zstr(&s.name, 20));
            for v in [s.start, s.end, s.loop_start, s.loop_end, s.rate] {
                shdr.extend(v.to_le_bytes());
            }
            shdr.push(s.root);
            shdr.push(s.correction as u8);
            shdr.extend(0u16.to_le_bytes());
            shdr.extend(1u16.to_le_bytes()); // mono
        }
        shdr.extend(zstr("EOS", 20));
        shdr.extend([0u8; 26]);

        let mut pdta = Vec::new();
        pdta.extend(chunk(b"phdr", &phdr));
        pdta.extend(chunk(b"pbag", &pbag));
        pdta.extend(chunk(b"pmod", &[0u8; 10]));
        pdta.extend(chunk(b"pgen", &pgen));
        pdta.extend(chunk(b"inst", &inst));
        pdta.extend(chunk(b"ibag", &ibag));
        pdta.extend(chunk(b"imod", &[0u8; 10]));
        pdta.extend(chunk(b"igen", &igen));
        pdta.extend(chunk(b"shdr", &shdr));

        let mut body = b"sfbk".to_vec();
        body.extend(list(b"INFO", &info));
        body.extend(list(b"sdta", &sdta));
        body.extend(list(b"pdta", &pdta));
        chunk(b"RIFF", &body)
    }
}

/// A `phdr` record; library, genre and morphology stay zero.
fn preset_header(name: &str, program: u16, bank: u16, first_zone: u16) -> Vec<u8> {
    let mut record = zstr(name, 20);
    record.extend(program.to_le_bytes());
    record.extend(bank.to_le_bytes());
    record.extend(first_zone.to_le_bytes());
    record.extend([0u8; 12]);
    record
}

/// An `inst` record.
fn instrument_header(name: &str, first_zone: u16) -> Vec<u8> {
    let mut record = zstr(name, 20);
    record.extend(first_zone.to_le_bytes());
    record
}

/// The bag and generator records of the presets' or the instruments' zones.
#[derive(Default)]
struct Bags {
    bag: Vec<u8>,
    generators: Vec<u8>,
    /// Zones so far: where the next preset's or instrument's first zone goes.
    count: u16,
    generator_count: u16,
}

impl Bags {
    fn add(&mut self, zone: &Zone) {
        self.push_bag();
        self.count += 1;
        for g in zone.sorted() {
            self.generators.extend(g.bytes());
            self.generator_count += 1;
        }
    }

    /// A bag record: its first generator, and no modulators.
    fn push_bag(&mut self) {
        self.bag.extend(self.generator_count.to_le_bytes());
        self.bag.extend(0u16.to_le_bytes());
    }

    /// The records with their terminal entries: (bags, generators).
    fn finish(mut self) -> (Vec<u8>, Vec<u8>) {
        self.push_bag();
        self.generators.extend([0u8; 4]);
        (self.bag, self.generators)
    }
}

/// A zero-terminated string, padded to `len` bytes (or to an even length when `len` is 0).
fn zstr(s: &str, len: usize) -> Vec<u8> {
    let mut b: Vec<u8> = s.bytes().filter(u8::is_ascii).collect();
    if len > 0 {
        b.truncate(len - 1);
        b.resize(len, 0);
    } else {
        b.push(0);
        if b.len() % 2 == 1 {
            b.push(0);
        }
    }
    b
}

fn chunk(id: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let mut out = id.to_vec();
    out.extend((data.len() as u32).to_le_bytes());
    out.extend(data);
    if data.len() % 2 == 1 {
        out.push(0);
    }
    out
}

fn list(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let mut body = kind.to_vec();
    body.extend(data);
    chunk(b"LIST", &body)
}
