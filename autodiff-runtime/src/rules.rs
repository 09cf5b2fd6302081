//! The rule table: local partial derivatives of each primitive, shared by forward and
//! reverse mode.
