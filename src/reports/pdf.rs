//! PDF of a printed form (the entitlement statement, the Mẫu số 09 list): the workbook, laid
//! out for A4 by its page setup, converted by LibreOffice headless (`soffice --convert-to pdf`).
//!
//! Why LibreOffice and not a Rust PDF writer (docs/REPORTS.md): the PDF is then exactly the
//! workbook a reviewer opens, printed — one layout to keep, not two — and the fonts with
//! Vietnamese glyphs come from the system. A machine without LibreOffice answers 503 with the
//! reason and still serves the workbook.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use crate::error::AppError;

/// How long one conversion may take.
const LIMIT: Duration = Duration::from_secs(120);

/// One conversion at a time: LibreOffice is heavy, and the machine has few cores.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());
static COUNTER: AtomicU64 = AtomicU64::new(0);

/// The LibreOffice program: `STAFFPAY_SOFFICE`, else `soffice` or `libreoffice` on the PATH.
pub fn soffice() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("STAFFPAY_SOFFICE") {
        let p = PathBuf::from(p);
        return p.is_file().then_some(p);
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path).find_map(|dir| {
        ["soffice", "libreoffice"]
            .iter()
            .map(|name| dir.join(name))
            .find(|p| p.is_file())
    })
}

/// Whether PDFs can be made here.
pub fn available() -> bool {
    soffice().is_some()
}

/// The refusal where LibreOffice is missing (503).
pub fn unavailable() -> AppError {
    tracing::warn!("PDF requested but LibreOffice (soffice) is not installed");
    AppError::NotAvailableHere {
        code: "pdf_unavailable",
        message_vi: "Máy chủ này chưa cài LibreOffice nên không tạo được bản PDF; hãy tải bản Excel (.xlsx) và in từ đó".into(),
        message_en: "This server has no LibreOffice, so it cannot make the PDF; download the workbook (.xlsx) and print it".into(),
    }
}

/// Converts a workbook to PDF; every sheet becomes its pages.
pub fn from_xlsx(xlsx: &[u8]) -> Result<Vec<u8>, AppError> {
    let program = soffice().ok_or_else(unavailable)?;
    let dir = std::env::temp_dir().join(format!(
        "staffpay-pdf-{}-{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    ));
    std::fs::create_dir_all(&dir).map_err(|e| AppError::Internal(e.into()))?;
    let result = convert(&program, &dir, xlsx);
    let _ = std::fs::remove_dir_all(&dir);
    result
}

fn convert(program: &Path, dir: &Path, xlsx: &[u8]) -> Result<Vec<u8>, AppError> {
    let input = dir.join("form.xlsx");
    std::fs::write(&input, xlsx).map_err(|e| AppError::Internal(e.into()))?;
    let profile = format!(
        "-env:UserInstallation=file://{}",
        dir.join("profile").display()
    );
    let _guard = ONE_AT_A_TIME
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let mut child = Command::new(program)
        .arg(profile)
        .args([
            "--headless",
            "--norestore",
            "--nolockcheck",
            "--convert-to",
            "pdf",
            "--outdir",
        ])
        .arg(dir)
        .arg(&input)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| AppError::Internal(anyhow::anyhow!("starting LibreOffice: {e}")))?;
    let started = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if started.elapsed() > LIMIT => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(AppError::Internal(anyhow::anyhow!(
                    "LibreOffice took longer than {} s to make the PDF",
                    LIMIT.as_secs()
                )));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(50)),
            Err(e) => return Err(AppError::Internal(e.into())),
        }
    };
    let output = dir.join("form.pdf");
    if !status.success() || !output.is_file() {
        return Err(AppError::Internal(anyhow::anyhow!(
            "LibreOffice did not make the PDF ({status})"
        )));
    }
    tracing::info!(
        ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
        "PDF made"
    );
    std::fs::read(output).map_err(|e| AppError::Internal(e.into()))
}
