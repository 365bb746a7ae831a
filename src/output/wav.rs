//! WAV files: 16- or 24-bit integer or 32-bit float stereo, written through hound.

use std::fmt;
use std::io::{Seek, Write};
use std::path::Path;

use super::atomic_file::AtomicFile;
use super::destination::Destination;
use std::str::FromStr;

/// A WAV sample format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WavFormat {
    /// 16-bit integer (CD quality).
    Int16,
    /// 24-bit integer.
    Int24,
    /// 32-bit float.
    Float,
}

impl FromStr for WavFormat {
    type Err = String;

    fn from_str(s: &str) -> Result<WavFormat, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "16" | "int16" | "s16" => Ok(WavFormat::Int16),
            "24" | "int24" | "s24" => Ok(WavFormat::Int24),
            "float" | "f32" | "32f" | "32" => Ok(WavFormat::Float),
            _ => Err(format!("the WAV format must be 16, 24 or float, got `{s}`")),
        }
    }
}

impl fmt::Display for WavFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            WavFormat::Int16 => "16-bit",
            WavFormat::Int24 => "24-bit",
            WavFormat::Float => "32-bit float",
        })
    }
}

/// A stereo WAV writer over any seekable output (`&mut` an [`super::atomic_file::AtomicFile`]).
pub struct WavWriter<W: Write + Seek> {
    inner: hound::WavWriter<W>,
    format: WavFormat,
}

impl<W: Write + Seek> fmt::Debug for WavWriter<W> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WavWriter")
            .field("format", &self.format)
            .finish()
    }
}

fn io_error(e: hound::Error) -> std::io::Error {
    match e {
        hound::Error::IoError(e) => e,
        other => std::io::Error::other(other.to_string()),
    }
}

impl<W: Write + Seek> WavWriter<W> {
    /// Starts a stereo WAV file at `sample_rate` in `format`.
    pub fn new(out: W, sample_rate: u32, format: WavFormat) -> std::io::Result<WavWriter<W>> {
        let (bits_per_sample, sample_format) = match format {
            WavFormat::Int16 => (16, hound::SampleFormat::Int),
            WavFormat::Int24 => (24, hound::SampleFormat::Int),
            WavFormat::Float => (32, hound::SampleFormat::Float),
        };
        let spec = hound::WavSpec {
            channels: 2,
            sample_rate,
            bits_per_sample,
            sample_format,
        };
        let inner = hound::WavWriter::new(out, spec).map_err(io_error)?;
        Ok(WavWriter { inner, format })
    }

    /// Appends interleaved stereo samples (−1.0 to 1.0; integers are clamped and rounded).
    pub fn write(&mut self, samples: &[f32]) -> std::io::Result<()> {
        match self.format {
            WavFormat::Float => {
                for &s in samples {
                    self.inner.write_sample(s).map_err(io_error)?;
                }
            }
            WavFormat::Int16 => {
                let mut w = self.inner.get_i16_writer(samples.len() as u32);
                for &s in samples {
                    w.write_sample((s.clamp(-1.0, 1.0) * 32767.0).round() as i16);
                }
                w.flush().map_err(io_error)?;
            }
            WavFormat::Int24 => {
                for &s in samples {
                    let v = (s.clamp(-1.0, 1.0) * 8_388_607.0).round() as i32;
                    self.inner.write_sample(v).map_err(io_error)?;
                }
            }
        }
        Ok(())
    }

    /// Writes the header's final sizes (give the writer `&mut file` to keep the file).
    pub fn finish(self) -> std::io::Result<()> {
        self.inner.finalize().map_err(io_error)
    }
}

/// Why a WAV file could not be written.
#[derive(Debug)]
pub enum WriteError<E> {
    /// Creating, writing or renaming the file failed.
    Io(std::io::Error),
    /// What produced the audio failed.
    Produce(E),
}

/// Writes a stereo WAV file to `path` (see [`Destination`]): `produce` gets a sink for
/// interleaved frames. A regular file appears only if `produce` and every write succeed, and
/// nothing is left behind otherwise (an existing file keeps its old contents). A device, FIFO
/// or standard output (`-`) cannot seek back to the header, so the WAV is assembled in memory
/// and written once whole: nothing reaches it when the render fails.
pub fn write_wav<T, E>(
    path: &Path,
    sample_rate: u32,
    format: WavFormat,
    produce: impl FnOnce(&mut dyn FnMut(&[f32]) -> std::io::Result<()>) -> Result<T, E>,
) -> Result<T, WriteError<E>> {
    let destination = Destination::resolve(path).map_err(WriteError::Io)?;
    if let Destination::File(path) = &destination {
        let mut file = AtomicFile::create(path).map_err(WriteError::Io)?;
        let mut writer = WavWriter::new(&mut file, sample_rate, format).map_err(WriteError::Io)?;
        let result = produce(&mut |frames| writer.write(frames)).map_err(WriteError::Produce)?;
        writer.finish().map_err(WriteError::Io)?;
        file.commit().map_err(WriteError::Io)?;
        return Ok(result);
    }
    let mut buffer = std::io::Cursor::new(Vec::new());
    let mut writer = WavWriter::new(&mut buffer, sample_rate, format).map_err(WriteError::Io)?;
    let result = produce(&mut |frames| writer.write(frames)).map_err(WriteError::Produce)?;
    writer.finish().map_err(WriteError::Io)?;
    destination
        .write_all(buffer.get_ref())
        .map_err(WriteError::Io)?;
    Ok(result)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("flam-wav-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn every_format_reads_back_as_written() {
        let dir = scratch("formats");
        for format in [WavFormat::Int16, WavFormat::Int24, WavFormat::Float] {
            let path = dir.join(format!("{format}.wav"));
            write_wav(&path, 44100, format, |sink| sink(&[0.5, -0.25, 0.0, 1.0])).unwrap();
            let mut r = hound::WavReader::open(&path).unwrap();
            assert_eq!(r.spec().channels, 2);
            assert_eq!(r.spec().sample_rate, 44100);
            let back: Vec<f32> = match format {
                WavFormat::Float => r.samples::<f32>().map(Result::unwrap).collect(),
                WavFormat::Int16 => r
                    .samples::<i32>()
                    .map(|s| s.unwrap() as f32 / 32767.0)
                    .collect(),
                WavFormat::Int24 => r
                    .samples::<i32>()
                    .map(|s| s.unwrap() as f32 / 8_388_607.0)
                    .collect(),
            };
            for (a, b) in back.iter().zip([0.5, -0.25, 0.0, 1.0]) {
                assert!((a - b).abs() < 1e-4, "{format}: {a} vs {b}");
            }
        }
    }

    #[test]
    fn a_render_that_fails_half_way_leaves_no_file() {
        let dir = scratch("fails");
        let path = dir.join("song.wav");
        let result = write_wav(&path, 48000, WavFormat::Int16, |sink| {
            sink(&[0.1; 4096]).map_err(|_| "io")?;
            Err::<(), _>("the synthesizer gave up")
        });
        assert!(matches!(
            result,
            Err(WriteError::Produce("the synthesizer gave up"))
        ));
        assert_eq!(
            std::fs::read_dir(&dir).unwrap().count(),
            0,
            "no file, no temp file"
        );
    }

    #[test]
    fn a_failed_render_keeps_the_previous_file() {
        let dir = scratch("keeps");
        let path = dir.join("song.wav");
        std::fs::write(&path, b"previous").unwrap();
        let result = write_wav(&path, 48000, WavFormat::Float, |_| Err::<(), _>(()));
        assert!(result.is_err());
        assert_eq!(std::fs::read(&path).unwrap(), b"previous");
        assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 1);
    }

    #[test]
    fn formats_are_read_from_the_command_line() {
        assert_eq!("16".parse(), Ok(WavFormat::Int16));
        assert_eq!("24".parse(), Ok(WavFormat::Int24));
        assert_eq!("float".parse(), Ok(WavFormat::Float));
        assert!(
            "8".parse::<WavFormat>()
                .unwrap_err()
                .contains("16, 24 or float")
        );
    }
}
