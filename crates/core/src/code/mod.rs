//! 统一社会信用代码 (GB 32100), 组织机构代码 (GB 11714), 15-digit 注册号 and 居民身份证号码 (GB 11643):
//! normalise → classify → check, with a typed report (parts, errors with positions, warnings,
//! suggestions) and a batch checker. See `shared/domain/credit-codes.md`.

mod batch;
mod checks;
mod classify;
mod division;
mod issue;
mod normalize;
mod report;
mod suggest;
mod tables;

pub use batch::{batch_cells, check_batch, validate_batch, BatchCell, BatchSummary};
pub use checks::{org_check_symbol, resident_id_check_symbol, uscc_check_symbol};
pub use classify::{check, make_uscc, CodeKind, Verdict, MAX_CODE_CHARS};
pub use division::{division_known, division_name, Province, UnknownProvince, NATIONAL_LEVEL};
pub use issue::{Issue, IssueCode};
pub use normalize::{normalize, Normalized};
pub use report::{check_field, validate, CodeReport, FieldCheck, Parts, RegionName, ValidateOptions};
pub use suggest::{Edit, Suggestion};
pub use tables::{Authority, OrgType, AUTHORITIES, USCC_ALPHABET};

#[cfg(test)]
mod tests;
