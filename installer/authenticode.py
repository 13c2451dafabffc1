"""Check the Authenticode signatures of the Windows Python's exe/dll/pyd files with osslsigncode.

Offline on Debian a full chain check cannot pass: Debian lacks Microsoft's roots and no CRL can be
fetched. So a file passes when
  - it has a signature whose signer is one we expect (Python Software Foundation, Microsoft),
  - the digest signed equals the digest of the file as it is (osslsigncode "Current" == "Calculated"),
  - verifying with installer/trust/*.pem added as roots, at the signature's own timestamp, fails only
    for the reasons that come from being offline or lacking a root: "unable to get local issuer
    certificate" and CRL downloads. Anything else (bad signature, digest mismatch, a root other than
    the pinned one, an expired certificate) fails the build.
"""

import re
import subprocess
import tempfile
from calendar import timegm
from pathlib import Path
from time import strptime

TRUST_DIR = Path(__file__).parent / "trust"
SYSTEM_CA = Path("/etc/ssl/certs/ca-certificates.crt")

# Messages that mean "this machine cannot finish the chain", not "this signature is wrong".
OFFLINE_REASONS = (
    "unable to get local issuer certificate",
    "Faild to get CRL",            # osslsigncode 2.9's spelling
    "Failed to get CRL",
    "HTTP failure: Failed to get data from",
    "BIO_lookup_ex",
    "Name or service not known",
    "Temporary failure in name resolution",
    "unable to get certificate CRL",
)
# Lines that only summarise the errors above.
SUMMARY = (
    "Signature verification: failed", "Timestamp Server Signature verification: failed",
    "PKCS7_verify error", "CMS_verify error", "Failed signing certificate chain",
    "Failed timestamp certificate chain", "Failed", "Use the \"-CRLfile\"", "Use the \"-TSA-CRLfile\"",
)


class SignatureError(Exception):
    pass


def _run(args: list[str]) -> tuple[int, str]:
    result = subprocess.run(args, capture_output=True, text=True, errors="replace")
    return result.returncode, result.stdout + result.stderr


def _bundle(workdir: Path) -> Path:
    bundle = workdir / "ca-bundle.pem"
    parts = [SYSTEM_CA.read_text()] if SYSTEM_CA.exists() else []
    parts += [p.read_text() for p in sorted(TRUST_DIR.glob("*.pem"))]
    bundle.write_text("\n".join(parts))
    return bundle


def _problems(output: str) -> list[str]:
    """Error lines of a verify run that are not explained by being offline."""
    bad = []
    for line in output.splitlines():
        text = line.strip()
        is_error = ("error:" in text or text.startswith("Error:") or "MISMATCH" in text
                    or "No signature found" in text or "Unable to" in text)
        if not is_error:
            continue
        if any(reason in text for reason in OFFLINE_REASONS):
            continue
        bad.append(text)
    return bad


def verify(path: Path, signers: list[str], bundle: Path) -> str:
    """Return the signer's name; raise SignatureError when the file does not verify."""
    rc, first = _run(["osslsigncode", "verify", "-in", str(path)])
    if "No signature found" in first or "Current message digest" not in first:
        raise SignatureError(f"{path.name}: no Authenticode signature\n{first[-800:]}")
    current = re.search(r"Current message digest\s*:\s*([0-9A-F]+)", first)
    calculated = re.search(r"Calculated message digest\s*:\s*([0-9A-F]+)", first)
    if not (current and calculated) or current.group(1) != calculated.group(1) or "MISMATCH" in first:
        raise SignatureError(f"{path.name}: the file's digest does not match its signature")
    subject = re.search(r"Signer #0:\s*\n\s*Subject: (.*)", first)
    signer = next((s for s in signers if subject and f"/O={s}/" in subject.group(1)), None)
    if signer is None:
        raise SignatureError(f"{path.name}: signed by {subject.group(1) if subject else '?'}, "
                             f"expected one of {signers}")
    if rc == 0:
        return signer
    args = ["osslsigncode", "verify", "-CAfile", str(bundle), "-TSA-CAfile", str(bundle)]
    stamp = re.search(r"Timestamp time: (\w{3} +\d+ [\d:]+ \d{4}) GMT", first)
    if stamp:
        # Judge the certificates at the countersigned time: PSF's certificates live for three days.
        args += ["-time", str(timegm(strptime(stamp.group(1), "%b %d %H:%M:%S %Y")))]
    rc, second = _run(args + ["-in", str(path)])
    if rc == 0:
        return signer
    problems = _problems(second)
    if problems:
        raise SignatureError(f"{path.name}: signature does not verify:\n  " + "\n  ".join(problems[:6]))
    return signer


def verify_tree(root: Path, signers: list[str]) -> dict[str, str]:
    """{relative path: signer} for every exe/dll/pyd under root; raise on the first failure."""
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        bundle = _bundle(Path(tmp))
        for path in sorted(root.rglob("*")):
            if path.suffix.lower() in (".exe", ".dll", ".pyd"):
                results[path.relative_to(root).as_posix()] = verify(path, signers, bundle)
    if not results:
        raise SignatureError(f"{root}: no exe/dll/pyd to verify")
    return results
