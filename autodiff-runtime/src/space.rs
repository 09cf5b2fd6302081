//! Shape-generic operations on tangents and adjoints (zeros, accumulation).
