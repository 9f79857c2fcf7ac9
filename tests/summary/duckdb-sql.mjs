// duckdb-sql.mjs - run a SQL file in DuckDB on a messages table loaded from a CSV; print the rows.
//
//   node tests/summary/duckdb-sql.mjs MODULES_DIR CSV < query.sql > lines
//
// MODULES_DIR is the folder scripts/duckdb-node installed @duckdb/node-api
// into. Creates a table `messages` with the input contract's columns
// (conversation_id VARCHAR, message_index BIGINT, role, sentiment,
// categories VARCHAR; an empty field is NULL, as PostgreSQL's COPY CSV
// reads it), fills it from CSV (header first, those five columns in that
// order) with read_csv, runs the SQL read from standard input and writes
// the first column of each result row as a line. On an error prints
// DuckDB's message on stderr and exits 1.
import { createRequire } from 'node:module';
import { readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const [modules, csv] = process.argv.slice(2);
if (!csv) {
    process.stderr.write('usage: node duckdb-sql.mjs MODULES_DIR CSV < query.sql\n');
    process.exit(2);
}
const require = createRequire(join(modules, 'package.json'));
const { DuckDBInstance } = await import(pathToFileURL(require.resolve('@duckdb/node-api')).href);
const sql = readFileSync(0, 'utf8');
const quoted = "'" + csv.replaceAll("'", "''") + "'";
try {
    const con = await (await DuckDBInstance.create(':memory:')).connect();
    await con.run(`CREATE TABLE messages (conversation_id VARCHAR NOT NULL, message_index BIGINT NOT NULL
                   CHECK (message_index >= 0), role VARCHAR NOT NULL, sentiment VARCHAR, categories VARCHAR,
                   PRIMARY KEY (conversation_id, message_index))`);
    await con.run(`INSERT INTO messages SELECT * FROM read_csv(${quoted}, header = true, auto_detect = false,
                   delim = ',', quote = '"', escape = '"', columns = {'conversation_id': 'VARCHAR',
                   'message_index': 'BIGINT', 'role': 'VARCHAR', 'sentiment': 'VARCHAR', 'categories': 'VARCHAR'})`);
    const rows = (await con.runAndReadAll(sql)).getRows();
    const text = rows.map((r) => String(r[0]) + '\n').join('');
    writeSync(1, text);
} catch (e) {
    process.stderr.write('duckdb: ' + e.message + '\n');
    process.exit(1);
}
