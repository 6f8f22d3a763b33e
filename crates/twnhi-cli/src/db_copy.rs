//! `twnhi admin db copy --from sqlite://… --to postgres://…`: moves a deployment from its
//! SQLite file to a PostgreSQL database, table by table, verified by row counts.
//!
//! The source is read in one transaction (a consistent snapshot; stop `twnhi serve` first so
//! nothing is written after it). The destination is migrated if new and must be empty: the
//! copy never merges. Each table goes over `COPY … FROM STDIN (FORMAT csv)`, with every
//! value converted by the destination column's type (SQLite keeps instants as RFC 3339 text,
//! booleans as 0/1, dates as `YYYY-MM-DD`); identity columns are left for PostgreSQL to
//! number, in the source's order. Both schemas come from the same program, so their tables
//! and columns must match; any difference is refused before anything is written.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use crate::texts::both_with;
use futures_util::TryStreamExt as _;
use sqlx::postgres::PgPoolCopyExt as _;
use sqlx::{AssertSqlSafe, Column as _, PgPool, Row as _, SqlitePool};

/// Tables in the order their references need; any other table follows in name order.
const ORDER: &[&str] = &[
    "insured_persons",
    "registrations",
    "contacts",
    "devices",
    "secrets",
    "sessions",
    "throttles",
    "outbox",
    "audit_events",
];

/// Tables that are not data: the migrations' own, and the readiness probe's.
const SKIP: &[&str] = &["_sqlx_migrations", "heartbeat"];

/// Rows per `COPY` chunk sent to the server.
const CHUNK: u64 = 2000;

/// Why a copy stopped.
#[derive(Debug, thiserror::Error)]
pub enum CopyError {
    /// The two schemas differ (a table or a column).
    #[error("{}", both_with("cli-db-copy-schema", &[("detail", detail.as_str().into())]))]
    Schema {
        /// What differs.
        detail: String,
    },
    /// The destination already holds rows.
    #[error("{}", both_with("cli-db-copy-not-empty", &[("table", table.as_str().into()), ("rows", (*rows).into())]))]
    NotEmpty {
        /// The first table found with rows.
        table: String,
        /// Its rows.
        rows: i64,
    },
    /// A value that does not convert (a corrupt source row).
    #[error("{}", both_with("cli-db-copy-value", &[("table", table.as_str().into()), ("column", column.as_str().into()), ("reason", reason.as_str().into())]))]
    Value {
        /// The table.
        table: String,
        /// The column.
        column: String,
        /// Why.
        reason: String,
    },
    /// A database error on either side.
    #[error(transparent)]
    Database(#[from] sqlx::Error),
    /// The counts after the copy differ.
    #[error("{}", both_with("cli-db-copy-count", &[("table", table.as_str().into()), ("read", (*read).into()), ("destination", (*destination).into())]))]
    Count {
        /// The table.
        table: String,
        /// Rows read from the source.
        read: u64,
        /// Rows counted in the destination.
        destination: i64,
    },
}

/// One table's result: its name and the rows copied.
#[derive(Debug, PartialEq, Eq)]
pub struct Copied {
    /// The table.
    pub table: String,
    /// Rows in the source and, after the copy, in the destination.
    pub rows: u64,
}

struct Col {
    name: String,
    pg_type: String,
}

/// Copies every table of `from` into `to`; `progress` is told each table's name and rows.
pub async fn copy(
    from: &SqlitePool,
    to: &PgPool,
    mut progress: impl FnMut(&Copied),
) -> Result<Vec<Copied>, CopyError> {
    let pg_tables: BTreeSet<String> = sqlx::query_scalar(
        "SELECT table_name::text FROM information_schema.tables \
         WHERE table_schema = 'public' AND table_type = 'BASE TABLE'",
    )
    .fetch_all(to)
    .await?
    .into_iter()
    .filter(|t: &String| !SKIP.contains(&t.as_str()))
    .collect();
    let mut src = from.begin().await?;
    let lite_tables: BTreeSet<String> = sqlx::query_scalar(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
    )
    .fetch_all(&mut *src)
    .await?
    .into_iter()
    .filter(|t: &String| !SKIP.contains(&t.as_str()))
    .collect();
    if pg_tables != lite_tables {
        return Err(CopyError::Schema {
            detail: format!(
                "{:?} / {:?}",
                lite_tables.difference(&pg_tables).collect::<Vec<_>>(),
                pg_tables.difference(&lite_tables).collect::<Vec<_>>()
            ),
        });
    }
    let mut tables: Vec<String> = ORDER
        .iter()
        .filter(|t| pg_tables.contains(**t))
        .map(|t| (*t).to_owned())
        .collect();
    tables.extend(
        pg_tables
            .iter()
            .filter(|t| !ORDER.contains(&t.as_str()))
            .cloned(),
    );
    // Refuse before writing anything: a non-empty destination, or a column mismatch.
    let mut plans = Vec::new();
    for t in &tables {
        let n: i64 =
            sqlx::query_scalar(AssertSqlSafe(format!("SELECT count(*) FROM {}", ident(t))))
                .fetch_one(to)
                .await?;
        if n > 0 {
            return Err(CopyError::NotEmpty {
                table: t.clone(),
                rows: n,
            });
        }
        let cols: Vec<Col> = sqlx::query(
            "SELECT column_name::text, data_type::text FROM information_schema.columns \
             WHERE table_schema = 'public' AND table_name = $1 AND is_identity = 'NO' \
             ORDER BY ordinal_position",
        )
        .bind(t)
        .fetch_all(to)
        .await?
        .iter()
        .map(|r| Col {
            name: r.get(0),
            pg_type: r.get(1),
        })
        .collect();
        let lite_cols: BTreeSet<String> =
            sqlx::query_scalar("SELECT name FROM pragma_table_info(?)")
                .bind(t)
                .fetch_all(&mut *src)
                .await?
                .into_iter()
                .collect();
        let missing: Vec<&str> = cols
            .iter()
            .map(|c| c.name.as_str())
            .filter(|c| !lite_cols.contains(*c))
            .collect();
        if !missing.is_empty() {
            return Err(CopyError::Schema {
                detail: format!("{t}: {missing:?}"),
            });
        }
        let order = if lite_cols.contains("seq") {
            "seq"
        } else {
            "rowid"
        };
        plans.push((t.clone(), cols, order));
    }
    let mut done = Vec::new();
    for (t, cols, order) in plans {
        let names: Vec<String> = cols.iter().map(|c| ident(&c.name)).collect();
        let select = format!(
            "SELECT {} FROM {} ORDER BY {order}",
            names.join(", "),
            ident(&t)
        );
        let mut sink = to
            .copy_in_raw(&format!(
                "COPY {} ({}) FROM STDIN (FORMAT csv)",
                ident(&t),
                names.join(", ")
            ))
            .await?;
        let mut buf = String::new();
        let mut source: u64 = 0;
        {
            // Streamed: a registry of millions of rows is never held in memory.
            let mut rows = sqlx::query(AssertSqlSafe(select.clone())).fetch(&mut *src);
            while let Some(row) = rows.try_next().await? {
                for (j, col) in cols.iter().enumerate() {
                    if j > 0 {
                        buf.push(',');
                    }
                    csv_value(&row, j, col, &t, &mut buf)?;
                }
                buf.push('\n');
                source += 1;
                if source.is_multiple_of(CHUNK) {
                    sink.send(buf.as_bytes()).await?;
                    buf.clear();
                }
            }
        }
        if !buf.is_empty() {
            sink.send(buf.as_bytes()).await?;
        }
        let written = sink.finish().await?;
        let count: i64 =
            sqlx::query_scalar(AssertSqlSafe(format!("SELECT count(*) FROM {}", ident(&t))))
                .fetch_one(to)
                .await?;
        if written != source || u64::try_from(count).ok() != Some(source) {
            return Err(CopyError::Count {
                table: t,
                read: source,
                destination: count,
            });
        }
        let c = Copied {
            table: t,
            rows: source,
        };
        progress(&c);
        done.push(c);
    }
    src.rollback().await?;
    // Identity columns continue after the copied rows.
    for t in &tables {
        let ids: Vec<String> = sqlx::query_scalar(
            "SELECT column_name::text FROM information_schema.columns \
             WHERE table_schema = 'public' AND table_name = $1 AND is_identity = 'YES'",
        )
        .bind(t)
        .fetch_all(to)
        .await?;
        for c in ids {
            sqlx::query(AssertSqlSafe(format!(
                "SELECT setval(pg_get_serial_sequence('{t}', '{c}'), \
                 GREATEST((SELECT max({}) FROM {}), 1))",
                ident(&c),
                ident(t)
            )))
            .execute(to)
            .await?;
        }
    }
    Ok(done)
}

/// A table or column name, quoted. The names come from the two schemas themselves (the
/// catalogs of both databases), never from the command line; every dynamic statement here
/// is built from them only, hence `AssertSqlSafe`.
fn ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// Appends one value as CSV: nothing for NULL, else a quoted field.
fn csv_value(
    row: &sqlx::sqlite::SqliteRow,
    i: usize,
    col: &Col,
    table: &str,
    out: &mut String,
) -> Result<(), CopyError> {
    let bad = |e: &dyn std::fmt::Display| CopyError::Value {
        table: table.to_owned(),
        column: row
            .columns()
            .get(i)
            .map_or(col.name.as_str(), |c| c.name())
            .to_owned(),
        reason: e.to_string(),
    };
    let text: Option<String> = match col.pg_type.as_str() {
        "bigint" | "integer" | "smallint" => row
            .try_get::<Option<i64>, _>(i)
            .map_err(|e| bad(&e))?
            .map(|v| v.to_string()),
        "boolean" => row
            .try_get::<Option<i64>, _>(i)
            .map_err(|e| bad(&e))?
            .map(|v| if v == 0 { "f" } else { "t" }.to_owned()),
        "bytea" => row
            .try_get::<Option<Vec<u8>>, _>(i)
            .map_err(|e| bad(&e))?
            .map(|b| {
                let mut s = String::with_capacity(2 + 2 * b.len());
                s.push_str("\\x");
                for byte in b {
                    let _ = write!(s, "{byte:02x}");
                }
                s
            }),
        "timestamp with time zone" => {
            let v: Option<String> = row.try_get(i).map_err(|e| bad(&e))?;
            if let Some(v) = &v {
                chrono::DateTime::parse_from_rfc3339(v).map_err(|e| bad(&e))?;
            }
            v
        }
        "date" => {
            let v: Option<String> = row.try_get(i).map_err(|e| bad(&e))?;
            if let Some(v) = &v {
                chrono::NaiveDate::parse_from_str(v, "%Y-%m-%d").map_err(|e| bad(&e))?;
            }
            v
        }
        _ => row.try_get::<Option<String>, _>(i).map_err(|e| bad(&e))?,
    };
    if let Some(t) = text {
        out.push('"');
        out.push_str(&t.replace('"', "\"\""));
        out.push('"');
    }
    Ok(())
}
