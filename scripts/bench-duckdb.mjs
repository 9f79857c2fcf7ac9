// bench-duckdb.mjs - the DuckDB peer of scripts/bench-peers: mean deltas per category in SQL.
//
//   node scripts/bench-duckdb.mjs MODULES_DIR FILE RESULT
//
// MODULES_DIR is the folder scripts/duckdb-node installed @duckdb/node-api
// into (the package is loaded from there, not from the repository). Reads
// FILE (the input contract's five columns, header first) with read_csv and
// computes what a DuckDB user would write for sentraj's mean deltas: human
// messages only (role human/user, case and blanks ignored), labels folded
// like sentraj's 5-point scale (case, blanks, '-' and '_' ignored) or read
// as numbers, each conversation's human messages numbered by window
// functions, conversations with >= 6 of them kept, delta = mean of the last
// three labels minus mean of the first three, and per category (a
// conversation counts in each of its ';'-separated names) and "all" the
// number of kept conversations and their mean delta. No bootstrap.
//
// Writes the tab-separated result lines bench-peers reads: "timer query S"
// (the query, CSV scan included, in-process), "timer connect S", and
// "group NAME N MEAN" per group. An unknown label or role fails the query
// (a failed cast), as sentraj refuses them.
import { createRequire } from 'node:module';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const [modules, file, result] = process.argv.slice(2);
if (!result) {
    process.stderr.write('usage: node bench-duckdb.mjs MODULES_DIR FILE RESULT\n');
    process.exit(2);
}
const require = createRequire(join(modules, 'package.json'));
const { DuckDBInstance } = await import(pathToFileURL(require.resolve('@duckdb/node-api')).href);

const sqlString = (s) => "'" + s.replaceAll("'", "''") + "'";
const query = `
WITH m AS (
    SELECT * FROM read_csv(${sqlString(file)}, header = true, auto_detect = false, delim = ',', quote = '"',
                           escape = '"', columns = {'conversation_id': 'VARCHAR', 'message_index': 'BIGINT',
                           'role': 'VARCHAR', 'sentiment': 'VARCHAR', 'categories': 'VARCHAR'})
),
h AS (
    SELECT conversation_id, message_index, categories,
           CASE replace(replace(replace(replace(lower(sentiment), ' ', ''), chr(9), ''), '-', ''), '_', '')
               WHEN 'verynegative' THEN -1.0::DOUBLE WHEN 'negative' THEN -0.5::DOUBLE
               WHEN 'neutral' THEN 0.0::DOUBLE WHEN 'positive' THEN 0.5::DOUBLE
               WHEN 'verypositive' THEN 1.0::DOUBLE
               ELSE CAST(trim(sentiment, ' ' || chr(9)) AS DOUBLE)
           END AS v
    FROM m
    WHERE CASE lower(trim(role, ' ' || chr(9)))
              WHEN 'human' THEN true WHEN 'user' THEN true
              WHEN 'assistant' THEN false WHEN 'claude' THEN false WHEN 'model' THEN false
              WHEN 'ai' THEN false WHEN 'bot' THEN false WHEN 'system' THEN false WHEN 'tool' THEN false
              ELSE CAST('unknown role: ' || role AS BOOLEAN)
          END
),
r AS (
    SELECT conversation_id, categories, v,
           row_number() OVER (PARTITION BY conversation_id ORDER BY message_index) AS pos,
           count(*) OVER (PARTITION BY conversation_id) AS n
    FROM h
),
d AS (
    SELECT conversation_id, any_value(categories) AS categories,
           avg(v) FILTER (WHERE pos > n - 3) - avg(v) FILTER (WHERE pos <= 3) AS delta
    FROM r
    WHERE n >= 6
    GROUP BY conversation_id
),
g AS (
    SELECT DISTINCT d.conversation_id, trim(c.name, ' ' || chr(9)) AS name, d.delta
    FROM d, unnest(string_split(d.categories, ';')) AS c(name)
    WHERE trim(c.name, ' ' || chr(9)) <> ''
    UNION ALL
    SELECT conversation_id, 'all', delta FROM d
)
SELECT name, count(*) AS n, avg(delta) AS mean FROM g GROUP BY name ORDER BY name
`;

const t0 = performance.now();
const instance = await DuckDBInstance.create(':memory:');
const con = await instance.connect();
const t1 = performance.now();
const reader = await con.runAndReadAll(query);
const rows = reader.getRows();
const t2 = performance.now();
const lines = [
    `timer\tconnect\t${(t1 - t0) / 1000}`,
    `timer\tquery\t${(t2 - t1) / 1000}`,
    `info\tduckdb\t${(await con.runAndReadAll('SELECT version()')).getRows()[0][0]}`,
];
for (const [name, n, mean] of rows)
    lines.push(`group\t${name}\t${Number(n)}\t${mean === null ? 'nan' : mean.toPrecision(17)}`);
writeFileSync(result, lines.join('\n') + '\n');
