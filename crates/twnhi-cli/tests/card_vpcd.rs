//! CLI tests through pcscd + vpcd (written next).
