//! The seam between the store and its two databases. Every query is written once, in the SQL both speak
//! (`?1`-numbered parameters, `ON CONFLICT`, `COALESCE`, `LIKE … ESCAPE`), and runs through [`Sql`] on either
//! SQLite (rusqlite, one embedded file) or PostgreSQL (the `postgres` client, pooled by r2d2). What the two
//! write differently — JSON functions, the numbering of parameters — is asked of [`Dialect`] or translated
//! once per statement, so the store above holds no backend-specific code paths.
//!
//! One convention the two need: an optional filter is written `CAST(?N AS TEXT) IS NULL OR …`, because
//! PostgreSQL must know a parameter's type from the statement and `?N IS NULL` alone does not say it.

use std::collections::HashMap;

/// What went wrong with the database.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("数据库错误 / database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("数据库错误 / database error: {}", postgres_detail(.0))]
    Postgres(#[from] postgres::Error),
    #[error("无法连接数据库 / cannot connect to the database: {0}")]
    Pool(#[from] r2d2::Error),
    #[error("数据库第 {0} 列的类型不对 / column {0} has an unexpected type")]
    ColumnType(usize),
    #[error("数据库版本 {found} 比本程序支持的 {supported} 新，请升级程序 / database schema {found} is newer than this program supports ({supported})")]
    TooNew { found: i64, supported: i64 },
    #[error("数据库连接不可用 / database connection poisoned")]
    Poisoned,
    #[error("数据库内容损坏：{0} / corrupt database content: {0}")]
    Corrupt(&'static str),
    #[error("{0}")]
    Other(String),
}

/// PostgreSQL's own message (`postgres::Error` displays only "db error" for errors the server reported).
fn postgres_detail(error: &postgres::Error) -> String {
    match error.as_db_error() {
        Some(db) => format!("{} ({}: {})", db.message(), db.severity(), db.code().code()),
        None => error.to_string(),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    Sqlite,
    Postgres,
}

impl Dialect {
    /// A subquery listing the strings of a JSON array parameter (`IN (…)`).
    pub fn json_array_values(self, parameter: &str) -> String {
        match self {
            Dialect::Sqlite => format!("SELECT value FROM json_each({parameter})"),
            Dialect::Postgres => format!("SELECT json_array_elements_text(CAST({parameter} AS json))"),
        }
    }

    /// A top-level string member of a JSON text column.
    pub fn json_member(self, column: &str, member: &str) -> String {
        match self {
            Dialect::Sqlite => format!("json_extract({column}, '$.{member}')"),
            Dialect::Postgres => format!("(CAST({column} AS json) ->> '{member}')"),
        }
    }
}

/// A parameter, borrowed from the caller (envelopes are kilobytes: they are not copied to be bound).
#[derive(Debug, Clone, Copy)]
pub enum Arg<'a> {
    Null,
    Int(i64),
    Text(&'a str),
    Blob(&'a [u8]),
}

impl<'a> From<&'a str> for Arg<'a> {
    fn from(value: &'a str) -> Self {
        Arg::Text(value)
    }
}

impl<'a> From<&'a String> for Arg<'a> {
    fn from(value: &'a String) -> Self {
        Arg::Text(value)
    }
}

impl<'a> From<&'a &str> for Arg<'a> {
    fn from(value: &'a &str) -> Self {
        Arg::Text(value)
    }
}

impl<'a> From<Option<&'a str>> for Arg<'a> {
    fn from(value: Option<&'a str>) -> Self {
        value.map_or(Arg::Null, Arg::Text)
    }
}

impl<'a> From<&'a Option<String>> for Arg<'a> {
    fn from(value: &'a Option<String>) -> Self {
        value.as_deref().map_or(Arg::Null, Arg::Text)
    }
}

impl<'a> From<&'a [u8]> for Arg<'a> {
    fn from(value: &'a [u8]) -> Self {
        Arg::Blob(value)
    }
}

impl From<i64> for Arg<'_> {
    fn from(value: i64) -> Self {
        Arg::Int(value)
    }
}

impl From<u64> for Arg<'_> {
    fn from(value: u64) -> Self {
        Arg::Int(i64::try_from(value).unwrap_or(i64::MAX))
    }
}

impl From<u32> for Arg<'_> {
    fn from(value: u32) -> Self {
        Arg::Int(i64::from(value))
    }
}

impl From<bool> for Arg<'_> {
    fn from(value: bool) -> Self {
        Arg::Int(i64::from(value))
    }
}

/// The parameters of one statement: `args![a, b, c]` (`use crate::sql::args;`).
macro_rules! args {
    ($($value:expr),* $(,)?) => { &[$($crate::sql::Arg::from($value)),*] as &[$crate::sql::Arg<'_>] };
}
pub(crate) use args;

/// `VALUES` for `rows` rows of `columns` parameters each (`(?1, ?2), (?3, ?4)`), each row followed by
/// `constants` when not empty: many rows inserted by one statement, one round trip on PostgreSQL.
pub fn values_rows(rows: usize, columns: usize, constants: &str) -> String {
    let mut out = String::new();
    for row in 0..rows {
        let parameters: Vec<String> = (1..=columns).map(|column| format!("?{}", row * columns + column)).collect();
        let separator = if row == 0 { "" } else { ", " };
        let constants = if constants.is_empty() { String::new() } else { format!(", {constants}") };
        out.push_str(&format!("{separator}({}{constants})", parameters.join(", ")));
    }
    out
}

/// Splits `items` into chunks whose lengths are powers of two, largest first (13 → 8, 4, 1): a multi-row
/// statement then comes in a few shapes only, each prepared once per connection.
pub fn chunks_of_powers_of_two<T>(items: &[T]) -> Vec<&[T]> {
    let mut chunks = Vec::new();
    let mut rest = items;
    while !rest.is_empty() {
        let size = 1usize << (usize::BITS - 1 - rest.len().leading_zeros()).min(6);
        let (chunk, tail) = rest.split_at(size);
        chunks.push(chunk);
        rest = tail;
    }
    chunks
}

/// A value read back: what both databases store (integers, text, bytes) or NULL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cell {
    Null,
    Int(i64),
    Text(String),
    Blob(Vec<u8>),
}

/// One result row.
#[derive(Debug)]
pub struct SqlRow(Vec<Cell>);

impl SqlRow {
    /// Column `index` as `T`; a missing column or another type is an error, never a panic.
    pub fn get<T: FromCell>(&self, index: usize) -> Result<T, DbError> {
        self.0.get(index).and_then(T::from_cell).ok_or(DbError::ColumnType(index))
    }

    pub fn cells(&self) -> &[Cell] {
        &self.0
    }
}

pub trait FromCell: Sized {
    fn from_cell(cell: &Cell) -> Option<Self>;
}

impl FromCell for String {
    fn from_cell(cell: &Cell) -> Option<Self> {
        match cell {
            Cell::Text(text) => Some(text.clone()),
            _ => None,
        }
    }
}

impl FromCell for i64 {
    fn from_cell(cell: &Cell) -> Option<Self> {
        match cell {
            Cell::Int(value) => Some(*value),
            _ => None,
        }
    }
}

impl FromCell for u64 {
    fn from_cell(cell: &Cell) -> Option<Self> {
        i64::from_cell(cell).and_then(|value| u64::try_from(value).ok())
    }
}

impl FromCell for u32 {
    fn from_cell(cell: &Cell) -> Option<Self> {
        i64::from_cell(cell).and_then(|value| u32::try_from(value).ok())
    }
}

impl FromCell for bool {
    fn from_cell(cell: &Cell) -> Option<Self> {
        i64::from_cell(cell).map(|value| value != 0)
    }
}

impl FromCell for Vec<u8> {
    fn from_cell(cell: &Cell) -> Option<Self> {
        match cell {
            Cell::Blob(bytes) => Some(bytes.clone()),
            _ => None,
        }
    }
}

/// A JSON document stored as text.
impl FromCell for serde_json::Value {
    fn from_cell(cell: &Cell) -> Option<Self> {
        match cell {
            Cell::Text(text) => serde_json::from_str(text).ok(),
            _ => None,
        }
    }
}

impl<T: FromCell> FromCell for Option<T> {
    fn from_cell(cell: &Cell) -> Option<Self> {
        match cell {
            Cell::Null => Some(None),
            other => T::from_cell(other).map(Some),
        }
    }
}

/// A connection (or a transaction on one) of either database.
pub trait Sql {
    fn dialect(&self) -> Dialect;
    /// Runs a statement; the number of rows it changed.
    fn execute(&mut self, sql: &str, args: &[Arg<'_>]) -> Result<u64, DbError>;
    fn query(&mut self, sql: &str, args: &[Arg<'_>]) -> Result<Vec<SqlRow>, DbError>;
    /// Several statements without parameters (migrations).
    fn batch(&mut self, sql: &str) -> Result<(), DbError>;

    fn query_opt(&mut self, sql: &str, args: &[Arg<'_>]) -> Result<Option<SqlRow>, DbError> {
        Ok(self.query(sql, args)?.into_iter().next())
    }

    fn query_one(&mut self, sql: &str, args: &[Arg<'_>]) -> Result<SqlRow, DbError> {
        self.query_opt(sql, args)?.ok_or(DbError::Corrupt("a row the query always returns"))
    }
}

// ---- SQLite ----

impl rusqlite::ToSql for Arg<'_> {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        use rusqlite::types::{ToSqlOutput, ValueRef};
        Ok(ToSqlOutput::Borrowed(match self {
            Arg::Null => ValueRef::Null,
            Arg::Int(value) => ValueRef::Integer(*value),
            Arg::Text(text) => ValueRef::Text(text.as_bytes()),
            Arg::Blob(bytes) => ValueRef::Blob(bytes),
        }))
    }
}

/// SQLite through one connection (a `Transaction` derefs to it).
pub struct SqliteSql<'c>(pub &'c rusqlite::Connection);

impl Sql for SqliteSql<'_> {
    fn dialect(&self) -> Dialect {
        Dialect::Sqlite
    }

    fn execute(&mut self, sql: &str, args: &[Arg<'_>]) -> Result<u64, DbError> {
        let mut statement = self.0.prepare_cached(sql)?;
        Ok(statement.execute(rusqlite::params_from_iter(args.iter()))? as u64)
    }

    fn query(&mut self, sql: &str, args: &[Arg<'_>]) -> Result<Vec<SqlRow>, DbError> {
        use rusqlite::types::ValueRef;
        let mut statement = self.0.prepare_cached(sql)?;
        let columns = statement.column_count();
        let mut rows = statement.query(rusqlite::params_from_iter(args.iter()))?;
        let mut out = Vec::new();
        while let Some(row) = rows.next()? {
            let mut cells = Vec::with_capacity(columns);
            for index in 0..columns {
                cells.push(match row.get_ref(index)? {
                    ValueRef::Null => Cell::Null,
                    ValueRef::Integer(value) => Cell::Int(value),
                    ValueRef::Real(value) => Cell::Text(value.to_string()),
                    ValueRef::Text(text) => Cell::Text(String::from_utf8_lossy(text).into_owned()),
                    ValueRef::Blob(bytes) => Cell::Blob(bytes.to_vec()),
                });
            }
            out.push(SqlRow(cells));
        }
        Ok(out)
    }

    fn batch(&mut self, sql: &str) -> Result<(), DbError> {
        Ok(self.0.execute_batch(sql)?)
    }
}

// ---- PostgreSQL ----

impl postgres::types::ToSql for Arg<'_> {
    fn to_sql(
        &self,
        ty: &postgres::types::Type,
        out: &mut bytes::BytesMut,
    ) -> Result<postgres::types::IsNull, Box<dyn std::error::Error + Sync + Send>> {
        use postgres::types::{IsNull, Type};
        // PostgreSQL infers each parameter's type from the statement; the value is written as that type.
        match self {
            Arg::Null => Ok(IsNull::Yes),
            Arg::Int(value) => match *ty {
                Type::BOOL => (*value != 0).to_sql(ty, out),
                Type::INT2 => i16::try_from(*value)?.to_sql(ty, out),
                Type::INT4 => i32::try_from(*value)?.to_sql(ty, out),
                _ => value.to_sql(ty, out),
            },
            Arg::Text(text) => {
                if *ty == Type::JSONB {
                    out.extend_from_slice(&[1]);
                }
                out.extend_from_slice(text.as_bytes());
                Ok(IsNull::No)
            }
            Arg::Blob(bytes) => bytes.to_sql(ty, out),
        }
    }

    fn accepts(_: &postgres::types::Type) -> bool {
        true
    }

    postgres::types::to_sql_checked!();
}

/// Rewrites a statement for PostgreSQL: `?N` → `$N`, and `LIKE` → `ILIKE` (SQLite's `LIKE` ignores ASCII case,
/// PostgreSQL's does not: searches must find the same rows on both). String literals are left alone.
pub fn to_postgres(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len() + 8);
    let mut in_literal = false;
    let mut chars = sql.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        if c == '\'' {
            in_literal = !in_literal;
            out.push(c);
        } else if in_literal {
            out.push(c);
        } else if c == '?' && chars.peek().is_some_and(|(_, next)| next.is_ascii_digit()) {
            out.push('$');
        } else if sql[at..].starts_with("LIKE ")
            && sql[..at].chars().next_back().is_none_or(|before| !before.is_ascii_alphanumeric() && before != '_')
        {
            out.push('I');
            out.push(c);
        } else {
            out.push(c);
        }
    }
    out
}

/// A pooled PostgreSQL connection with the statements it has prepared (each is parsed once per connection).
pub struct PgConnection {
    pub client: postgres::Client,
    statements: HashMap<String, postgres::Statement>,
}

/// r2d2's PostgreSQL manager, keeping a statement cache with each connection.
#[derive(Debug)]
pub struct PgManager(pub r2d2_postgres::PostgresConnectionManager<postgres::NoTls>);

impl r2d2::ManageConnection for PgManager {
    type Connection = PgConnection;
    type Error = postgres::Error;

    fn connect(&self) -> Result<PgConnection, postgres::Error> {
        Ok(PgConnection { client: self.0.connect()?, statements: HashMap::new() })
    }

    fn is_valid(&self, connection: &mut PgConnection) -> Result<(), postgres::Error> {
        self.0.is_valid(&mut connection.client)
    }

    fn has_broken(&self, connection: &mut PgConnection) -> bool {
        connection.client.is_closed()
    }
}

/// PostgreSQL through one pooled connection, inside a transaction or not (the caller sends `BEGIN`).
pub struct PgSql<'c>(pub &'c mut PgConnection);

impl PgSql<'_> {
    fn statement(&mut self, sql: &str) -> Result<postgres::Statement, DbError> {
        if let Some(statement) = self.0.statements.get(sql) {
            return Ok(statement.clone());
        }
        let statement = self.0.client.prepare(&to_postgres(sql))?;
        self.0.statements.insert(sql.to_owned(), statement.clone());
        Ok(statement)
    }
}

fn pg_cell(row: &postgres::Row, index: usize) -> Result<Cell, DbError> {
    use postgres::types::Type;
    let ty = row.columns().get(index).map(|column| column.type_().clone()).ok_or(DbError::ColumnType(index))?;
    let cell = match ty {
        Type::INT8 => row.try_get::<_, Option<i64>>(index)?.map(Cell::Int),
        Type::INT4 => row.try_get::<_, Option<i32>>(index)?.map(|value| Cell::Int(value.into())),
        Type::INT2 => row.try_get::<_, Option<i16>>(index)?.map(|value| Cell::Int(value.into())),
        Type::BOOL => row.try_get::<_, Option<bool>>(index)?.map(|value| Cell::Int(value.into())),
        Type::BYTEA => row.try_get::<_, Option<Vec<u8>>>(index)?.map(Cell::Blob),
        _ => row.try_get::<_, Option<String>>(index)?.map(Cell::Text),
    };
    Ok(cell.unwrap_or(Cell::Null))
}

impl Sql for PgSql<'_> {
    fn dialect(&self) -> Dialect {
        Dialect::Postgres
    }

    fn execute(&mut self, sql: &str, args: &[Arg<'_>]) -> Result<u64, DbError> {
        let statement = self.statement(sql)?;
        let params: Vec<&(dyn postgres::types::ToSql + Sync)> = args.iter().map(|arg| arg as _).collect();
        Ok(self.0.client.execute(&statement, &params)?)
    }

    fn query(&mut self, sql: &str, args: &[Arg<'_>]) -> Result<Vec<SqlRow>, DbError> {
        let statement = self.statement(sql)?;
        let params: Vec<&(dyn postgres::types::ToSql + Sync)> = args.iter().map(|arg| arg as _).collect();
        self.0
            .client
            .query(&statement, &params)?
            .iter()
            .map(|row| (0..row.len()).map(|index| pg_cell(row, index)).collect::<Result<Vec<_>, _>>().map(SqlRow))
            .collect()
    }

    fn batch(&mut self, sql: &str) -> Result<(), DbError> {
        Ok(self.0.client.batch_execute(sql)?)
    }
}

/// Every row of a query, read by `read_row`.
pub(crate) fn rows<T>(
    sql: &mut dyn Sql,
    query: &str,
    args: &[Arg<'_>],
    read_row: impl Fn(&SqlRow) -> Result<T, DbError>,
) -> Result<Vec<T>, DbError> {
    sql.query(query, args)?.iter().map(read_row).collect()
}

/// The first row of a query, if any, read by `read_row`.
pub(crate) fn row<T>(
    sql: &mut dyn Sql,
    query: &str,
    args: &[Arg<'_>],
    read_row: impl Fn(&SqlRow) -> Result<T, DbError>,
) -> Result<Option<T>, DbError> {
    sql.query_opt(query, args)?.as_ref().map(read_row).transpose()
}

/// A `LIKE` pattern matching `query` literally anywhere.
pub fn like_pattern(query: &str) -> String {
    format!("%{}%", query.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statements_are_rewritten_for_postgres_outside_literals() {
        assert_eq!(
            to_postgres("SELECT a FROM t WHERE b = ?1 AND c LIKE ?12 ESCAPE '\\' AND d = '?3 LIKE x'"),
            "SELECT a FROM t WHERE b = $1 AND c ILIKE $12 ESCAPE '\\' AND d = '?3 LIKE x'"
        );
        assert_eq!(to_postgres("SELECT UNLIKE FROM t WHERE x = ?"), "SELECT UNLIKE FROM t WHERE x = ?");
    }

    #[test]
    fn multi_row_statements_come_in_few_shapes() {
        assert_eq!(values_rows(2, 2, ""), "(?1, ?2), (?3, ?4)");
        assert_eq!(values_rows(1, 2, "1, 'x'"), "(?1, ?2, 1, 'x')");
        let items: Vec<u32> = (0..141).collect();
        let sizes: Vec<usize> = chunks_of_powers_of_two(&items).iter().map(|chunk| chunk.len()).collect();
        assert_eq!(sizes, [64, 64, 8, 4, 1]);
        assert!(chunks_of_powers_of_two::<u32>(&[]).is_empty());
    }

    #[test]
    fn cells_read_as_their_types_or_fail() {
        let row = SqlRow(vec![Cell::Int(3), Cell::Null, Cell::Text("{\"a\":1}".into())]);
        assert_eq!(row.get::<i64>(0).ok(), Some(3));
        assert_eq!(row.get::<bool>(0).ok(), Some(true));
        assert_eq!(row.get::<Option<String>>(1).ok(), Some(None));
        assert!(row.get::<String>(1).is_err());
        assert_eq!(row.get::<serde_json::Value>(2).ok(), Some(serde_json::json!({"a": 1})));
        assert!(row.get::<String>(7).is_err());
    }
}
