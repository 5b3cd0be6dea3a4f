//! Credit-repair eligibility under the rule in force on the evaluation date. The rule regimes (527号,
//! 58号, 36号) and the market-regulation and court rules are dated data with source and confidence
//! (`rules/repair.json`); every conclusion cites the rule it rests on.

pub mod application;
mod evaluate;
pub(crate) mod rules;

pub use evaluate::{evaluate, publication_end, Channel, Evaluation, Finding, Outcome, Step};
pub use rules::{regime_on, regimes, rule, rules, ClassPeriods, Confidence, Regime, Rule};

#[cfg(test)]
mod tests;
