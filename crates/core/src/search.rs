//! What a search box finds: the rule the server's SQL follows (`LIKE '%q%'` on the name and the credit code,
//! ASCII letters without regard to case, as SQLite's `LIKE` and PostgreSQL's `ILIKE` under the C locale
//! compare), written once for the places that search without SQL (the app on a static site).

/// Characters of a query that are searched for; the rest is ignored.
pub const MAX_QUERY_CHARS: usize = 100;

/// The query as it is searched for: without surrounding spaces, at most [`MAX_QUERY_CHARS`] characters.
pub fn normalize_query(query: &str) -> String {
    query.trim().chars().take(MAX_QUERY_CHARS).collect()
}

/// Whether a subject named `name` with `credit_code` is found by the normalised `query` (an empty query
/// finds every subject). `%` and `_` are plain characters here, as the server escapes them.
pub fn matches(query: &str, name: &str, credit_code: &str) -> bool {
    let needle = query.to_ascii_lowercase();
    needle.is_empty()
        || name.to_ascii_lowercase().contains(&needle)
        || credit_code.to_ascii_lowercase().contains(&needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ascii_letters_without_case_everything_else_as_written() {
        assert!(matches("", "任何", "91350100M000100Y43"));
        assert!(matches("m000", "晋示例", "91350100M000100Y43"));
        assert!(matches("abc", "晋ABC科技", "x"));
        assert!(!matches("ａｂｃ", "晋ABC科技", "x"), "full-width letters are other characters, as in SQL");
        assert!(!matches("%", "晋示例", "9135"), "% is a character, not a wildcard");
        assert!(matches("示例", "晋示例有限公司", "x"));
        assert_eq!(normalize_query("  晋示例 \t"), "晋示例");
        assert_eq!(normalize_query(&"字".repeat(150)).chars().count(), MAX_QUERY_CHARS);
    }
}
