//! Bounds on an `.xls` file (an OLE2 compound file) before calamine opens it.
//!
//! A compound file is a small file system: a FAT of sector chains, a directory of streams
//! with their declared sizes. Nothing is compressed, but the chains can be forged: a
//! directory chain that loops onto itself makes a reader that follows it "to the end" grow
//! without bound, and a stream's declared size is believed by readers that follow a looping
//! chain until they have that many bytes. So every chain the parser will follow (DIFAT,
//! directory, mini FAT, and every stream at or over the mini-stream cutoff) is walked here
//! once: a chain longer than the file's sectors, a sector past the end, or a stream declared
//! larger than its chain or than `max_part_bytes` is refused.

use super::error::ReadError;
use super::limits::{Limit, ReadLimits};

const FREESECT: u32 = 0xFFFF_FFFF;
const ENDOFCHAIN: u32 = 0xFFFF_FFFE;
const FATSECT: u32 = 0xFFFF_FFFD;
const DIFSECT: u32 = 0xFFFF_FFFC;

/// Checks the chains and declared sizes of a compound file.
pub fn check(bytes: &[u8], limits: &ReadLimits) -> Result<(), ReadError> {
    let header = bytes.get(..512).ok_or(ReadError::Corrupt)?;
    let shift = u16_at(header, 0x1E)?;
    let sector = match shift {
        9 => 512usize,
        12 => 4096,
        _ => return Err(ReadError::Corrupt),
    };
    let sectors = bytes.len().saturating_sub(sector).div_ceil(sector);
    let file = Sectors {
        bytes,
        size: sector,
        count: sectors,
    };

    // FAT sector ids: 109 in the header, then the DIFAT chain.
    let mut fat_ids: Vec<u32> = (0..109)
        .map(|i| u32_at(header, 0x4C + 4 * i))
        .collect::<Result<_, _>>()?;
    let mut difat = u32_at(header, 0x44)?;
    let mut steps = 0usize;
    while difat < DIFSECT {
        steps += 1;
        if steps > sectors {
            return Err(ReadError::Corrupt);
        }
        let data = file.get(difat)?;
        let per = sector / 4 - 1;
        for i in 0..per {
            fat_ids.push(u32_at(data, 4 * i)?);
        }
        difat = u32_at(data, 4 * per)?;
    }
    let mut fat: Vec<u32> = Vec::new();
    for id in fat_ids.into_iter().filter(|id| *id < DIFSECT) {
        let data = file.get(id)?;
        for i in 0..sector / 4 {
            fat.push(u32_at(data, 4 * i)?);
        }
    }

    let dir_chain = chain(&fat, u32_at(header, 0x30)?, sectors)?;
    let mini_fat_sectors = u32_at(header, 0x40)?;
    if mini_fat_sectors > 0 {
        chain(&fat, u32_at(header, 0x3C)?, sectors)?;
    }
    let cutoff = u64::from(u32_at(header, 0x38)?);
    let version = u16_at(header, 0x1A)?;
    let sector_bytes = u64::try_from(sector).unwrap_or(u64::MAX);
    for (n, id) in dir_chain.iter().enumerate() {
        let data = file.get(*id)?;
        for entry in data.chunks_exact(128) {
            let kind = entry.get(0x42).copied().unwrap_or(0);
            // 2: stream; 5: root (whose stream is the mini stream).
            if kind != 2 && kind != 5 {
                continue;
            }
            let start = u32_at(entry, 0x74)?;
            let mut size = u64::from(u32_at(entry, 0x78)?);
            if version == 4 {
                size |= u64::from(u32_at(entry, 0x7C)?) << 32;
            }
            let name = if n == 0 && kind == 5 {
                "Root Entry".to_owned()
            } else {
                entry_name(entry)
            };
            if size > limits.max_part_bytes {
                return Err(ReadError::OverLimit {
                    limit: Limit::Part,
                    found: size,
                    allowed: limits.max_part_bytes,
                    part: name,
                });
            }
            if kind == 5 || size >= cutoff {
                let len = u64::try_from(chain(&fat, start, sectors)?.len()).unwrap_or(u64::MAX);
                if size > len.saturating_mul(sector_bytes) {
                    return Err(ReadError::Corrupt);
                }
            }
        }
    }
    Ok(())
}

struct Sectors<'a> {
    bytes: &'a [u8],
    size: usize,
    count: usize,
}

impl Sectors<'_> {
    fn get(&self, id: u32) -> Result<&[u8], ReadError> {
        let id = usize::try_from(id).map_err(|_| ReadError::Corrupt)?;
        if id >= self.count {
            return Err(ReadError::Corrupt);
        }
        let start = (id + 1) * self.size;
        let end = (start + self.size).min(self.bytes.len());
        self.bytes.get(start..end).ok_or(ReadError::Corrupt)
    }
}

/// The sectors of the chain from `start`; a loop or a sector past the file is refused.
fn chain(fat: &[u32], start: u32, sectors: usize) -> Result<Vec<u32>, ReadError> {
    let mut out = Vec::new();
    let mut id = start;
    while id != ENDOFCHAIN {
        if matches!(id, FREESECT | FATSECT | DIFSECT) || out.len() >= sectors {
            return Err(ReadError::Corrupt);
        }
        out.push(id);
        let index = usize::try_from(id).map_err(|_| ReadError::Corrupt)?;
        id = *fat.get(index).ok_or(ReadError::Corrupt)?;
    }
    Ok(out)
}

fn entry_name(entry: &[u8]) -> String {
    let len = usize::from(u16_at(entry, 0x40).unwrap_or(0)).min(64);
    let units: Vec<u16> = entry
        .get(..len.saturating_sub(2))
        .unwrap_or_default()
        .chunks_exact(2)
        .map(|c| u16::from_le_bytes([c[0], c[1]]))
        .collect();
    String::from_utf16_lossy(&units)
}

fn u16_at(bytes: &[u8], at: usize) -> Result<u16, ReadError> {
    let b = bytes.get(at..at + 2).ok_or(ReadError::Corrupt)?;
    Ok(u16::from_le_bytes([b[0], b[1]]))
}

fn u32_at(bytes: &[u8], at: usize) -> Result<u32, ReadError> {
    let b = bytes.get(at..at + 4).ok_or(ReadError::Corrupt)?;
    Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A minimal compound file: header, one FAT sector (sector 0), one directory sector
    /// (sector 1) with a root entry, and `fat_dir` as the directory sector's FAT entry.
    fn compound(fat_dir: u32, stream_size: u32) -> Vec<u8> {
        let mut f = vec![0u8; 512 * 3];
        f[..8].copy_from_slice(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]);
        f[0x1A] = 3;
        f[0x1E] = 9;
        f[0x20] = 6;
        f[0x2C] = 1;
        f[0x30..0x34].copy_from_slice(&1u32.to_le_bytes());
        f[0x38..0x3C].copy_from_slice(&4096u32.to_le_bytes());
        f[0x3C..0x40].copy_from_slice(&ENDOFCHAIN.to_le_bytes());
        f[0x44..0x48].copy_from_slice(&ENDOFCHAIN.to_le_bytes());
        f[0x4C..0x50].copy_from_slice(&0u32.to_le_bytes());
        for i in 1..109 {
            f[0x4C + 4 * i..0x50 + 4 * i].copy_from_slice(&FREESECT.to_le_bytes());
        }
        let fat = 512;
        f[fat..fat + 4].copy_from_slice(&FATSECT.to_le_bytes());
        f[fat + 4..fat + 8].copy_from_slice(&fat_dir.to_le_bytes());
        for i in 2..128 {
            f[fat + 4 * i..fat + 4 * i + 4].copy_from_slice(&FREESECT.to_le_bytes());
        }
        let dir = 1024;
        f[dir + 0x42] = 5;
        f[dir + 0x74..dir + 0x78].copy_from_slice(&ENDOFCHAIN.to_le_bytes());
        f[dir + 128 + 0x42] = 2;
        f[dir + 128 + 0x74..dir + 128 + 0x78].copy_from_slice(&1u32.to_le_bytes());
        f[dir + 128 + 0x78..dir + 128 + 0x7C].copy_from_slice(&stream_size.to_le_bytes());
        f
    }

    #[test]
    fn a_looping_directory_chain_is_refused() {
        let limits = ReadLimits::default();
        check(&compound(ENDOFCHAIN, 0), &limits).unwrap();
        assert_eq!(
            check(&compound(1, 0), &limits).unwrap_err(),
            ReadError::Corrupt
        );
    }

    #[test]
    fn a_stream_declared_past_the_limit_is_refused() {
        let limits = ReadLimits {
            max_part_bytes: 100_000,
            ..ReadLimits::default()
        };
        let err = check(&compound(ENDOFCHAIN, 4_000_000_000), &limits).unwrap_err();
        assert_eq!(err.code(), "FILE_TOO_LARGE");
        // Within the limit but longer than its one-sector chain: forged.
        let err = check(&compound(ENDOFCHAIN, 90_000), &limits).unwrap_err();
        assert_eq!(err, ReadError::Corrupt);
    }
}
