//! The eager path: a tape that records operations at run time.
