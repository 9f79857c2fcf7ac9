-- summary.sql - the sentraj summary (docs/scale.md) of a messages table, in SQL.
--
-- Computes, inside the database, the file `sentraj summarize` writes: per
-- category and for "all", how many kept conversations have each pair
-- (first_q, last_q) of first-window and last-window label sums in units of
-- 1/denom, with the options and counts they depend on. The output is one
-- text column, one row per line of the file, in order, so
--
--     psql -X -At -v ON_ERROR_STOP=1 -f scripts/sql/summary.sql > summary.csv
--
-- writes the summary file itself (-A: no alignment, -t: no header or row
-- count). Then `sentraj analyze summary.csv` gives exactly what `sentraj
-- analyze` gives on the messages, and `sentraj merge` adds summaries of
-- several tables or shards (split by conversation_id) together.
--
-- Input: a table (or view) `messages` with the input contract's columns
--     conversation_id  text, not empty
--     message_index    integer >= 0 ordering a conversation's messages;
--                      (conversation_id, message_index) unique: make it
--                      the primary key, as this query does not check it
--     role             human/user, assistant/claude/model/ai/bot,
--                      system/tool (case and surrounding blanks ignored)
--     sentiment        on human messages: a label of the 5-point scale
--                      (case, blanks, '-' and '_' ignored) or a number in
--                      [-1, 1] that is a multiple of 0.5
--     categories       ';'-separated names (blanks around them ignored),
--                      the same on every row of a conversation (not
--                      checked here: this query takes the union), or NULL
-- Like sentraj, the query fails (with a message naming the problem) on an
-- unknown role, a human message without a label, an unknown label, a number
-- off the lattice or out of range, and a category called "all", rather
-- than drop anything silently: it casts the message to an integer, which
-- fails with "invalid input syntax for type integer: "<message>"". Each
-- message includes a column, so no planner folds the failing cast early.
--
-- Parameters: edit the one line of `params` below. win and min_human are
-- --window and --min-human (min_human >= 2 * win). denom, lo and hi belong
-- to the label scale: for another scale, replace the rows of `scale` (its
-- folded labels, the value as sentraj writes it, and value * denom) and set
-- denom (the smallest integer making every value * denom an integer) and
-- the smallest and largest value. Then pass the same scale file to sentraj
-- with --scale when analysing the summary.
--
-- Dialects. Runs unchanged in PostgreSQL and in DuckDB (both tested, by
-- tests/summary/run-postgres on a real server and tests/summary/run-duckdb
-- through DuckDB's Node.js client, against `sentraj summarize`); the rest
-- is standard SQL with window functions. Numbers are cast to
-- DECIMAL(38, 18), not to a bare NUMERIC: DuckDB's NUMERIC is
-- DECIMAL(18, 3), which would round 0.5001 to 0.5 and accept a label
-- sentraj refuses as off the lattice. (sentraj accepts a number within
-- 1e-9 of the lattice and rounds it; this query wants an exact multiple.)
-- On other engines, change:
--   - splitting categories (the `conv_cats` CTE):
--       PostgreSQL  CROSS JOIN LATERAL unnest(string_to_array(m.categories, ';')) AS part(name)
--       and DuckDB  (PostgreSQL also string_to_table(m.categories, ';') from
--                   version 14, or regexp_split_to_table(m.categories, ';'))
--       Spark SQL   LATERAL VIEW explode(split(m.categories, ';')) part AS name
--                   (split takes a regular expression; ';' is literal)
--       BigQuery    CROSS JOIN UNNEST(SPLIT(m.categories, ';')) AS name
--   - chr(9), chr(10), chr(13) (tab, line feed, carriage return): Spark has
--     chr(); BigQuery CODE_POINTS_TO_STRING([9]) or '\t'.
--   - trim(BOTH ' ' || chr(9) FROM x) strips both characters in PostgreSQL,
--     DuckDB and Spark; BigQuery TRIM(x, ' \t').
--   - CAST(x AS VARCHAR(40)): BigQuery and Spark CAST(x AS STRING).
--   - DECIMAL(38, 18): BigQuery BIGNUMERIC (its NUMERIC has 9 decimals).
--   - position(a IN b): BigQuery STRPOS(b, a).
--   - ORDER BY ... COLLATE "C" asks PostgreSQL for bytewise order whatever
--     the database's collation (DuckDB accepts it and compares bytewise
--     anyway); Spark and BigQuery compare strings bytewise (by code point)
--     already: drop the COLLATE clause there.
--   - The failing casts: Spark with spark.sql.ansi.enabled=false turns a
--     failed cast into NULL instead of an error; enable ANSI mode.
--   - ORDER BY columns that are not selected work in PostgreSQL, DuckDB and
--     BigQuery; in Spark select them too and drop them when exporting.
-- Export the single column as plain text lines, without a header and
-- without quoting (the lines are already CSV): e.g. DuckDB's
-- COPY (...) TO 'summary.csv' (HEADER false, QUOTE '', DELIMITER E'\x01').

WITH
params AS (
    SELECT 3 AS win, 6 AS min_human, 2 AS denom, -1 AS lo, 1 AS hi
),
-- The built-in 5-point scale: folded label, value as sentraj writes it
-- (shortest form), value * denom.
scale (label, value_text, q) AS (
    VALUES ('verynegative', '-1', -2),
           ('negative', '-0.5', -1),
           ('neutral', '0', 0),
           ('positive', '0.5', 1),
           ('verypositive', '1', 2)
),
-- Every row, its role classified: h(uman), a(ssistant), i(gnored).
classified AS (
    SELECT m.conversation_id,
           m.message_index,
           m.sentiment,
           CASE lower(trim(BOTH ' ' || chr(9) FROM m.role))
               WHEN 'human' THEN 'h' WHEN 'user' THEN 'h'
               WHEN 'assistant' THEN 'a' WHEN 'claude' THEN 'a' WHEN 'model' THEN 'a'
               WHEN 'ai' THEN 'a' WHEN 'bot' THEN 'a'
               WHEN 'system' THEN 'i' WHEN 'tool' THEN 'i'
               ELSE CAST(CAST('unknown role: ' || COALESCE(m.role, '(null)') AS INTEGER) AS VARCHAR(1))
           END AS kind
    FROM messages m
),
-- Human messages with their label as an integer q = value * denom: a label
-- of the scale after folding, else a number on the lattice within [lo, hi].
human AS (
    SELECT c.conversation_id,
           c.message_index,
           CASE
               WHEN s.q IS NOT NULL THEN s.q
               WHEN c.sentiment IS NULL OR trim(BOTH ' ' || chr(9) FROM c.sentiment) = ''
                   THEN CAST('human message without a sentiment label in conversation ' || c.conversation_id
                             AS INTEGER)
               ELSE CAST(CASE
                             WHEN CAST(trim(BOTH ' ' || chr(9) FROM c.sentiment) AS DECIMAL(38, 18)) BETWEEN p.lo AND p.hi
                                  AND CAST(trim(BOTH ' ' || chr(9) FROM c.sentiment) AS DECIMAL(38, 18)) * p.denom
                                      = FLOOR(CAST(trim(BOTH ' ' || chr(9) FROM c.sentiment) AS DECIMAL(38, 18)) * p.denom)
                                 THEN CAST(CAST(CAST(trim(BOTH ' ' || chr(9) FROM c.sentiment) AS DECIMAL(38, 18)) * p.denom
                                                AS INTEGER) AS VARCHAR(40))
                             ELSE 'sentiment off the lattice or out of range: ' || c.sentiment
                         END AS INTEGER)
           END AS q
    FROM classified c
    CROSS JOIN params p
    LEFT JOIN scale s
        ON s.label = replace(replace(replace(replace(lower(c.sentiment), ' ', ''), chr(9), ''), '-', ''), '_', '')
    WHERE c.kind = 'h'
),
-- Each human message's rank from the start, and the conversation's count.
ranked AS (
    SELECT conversation_id,
           q,
           ROW_NUMBER() OVER (PARTITION BY conversation_id ORDER BY message_index) AS pos,
           COUNT(*) OVER (PARTITION BY conversation_id) AS humans
    FROM human
),
-- Kept conversations: at least min_human human messages; the first and the
-- last win labels summed (integers over denom).
kept AS (
    SELECT r.conversation_id,
           SUM(CASE WHEN r.pos <= p.win THEN r.q ELSE 0 END) AS first_q,
           SUM(CASE WHEN r.pos > r.humans - p.win THEN r.q ELSE 0 END) AS last_q
    FROM ranked r
    CROSS JOIN params p
    WHERE r.humans >= p.min_human
    GROUP BY r.conversation_id
),
-- Each conversation's categories: split on ';', blanks trimmed, empty
-- names dropped, each name once.
conv_cats AS (
    SELECT DISTINCT m.conversation_id,
           CASE
               WHEN trim(BOTH ' ' || chr(9) FROM part.name) = 'all'
                   THEN CAST(CAST('category name all is reserved (conversation ' || m.conversation_id || ')'
                                  AS INTEGER) AS VARCHAR(1))
               ELSE trim(BOTH ' ' || chr(9) FROM part.name)
           END AS category
    FROM (SELECT DISTINCT conversation_id, categories FROM messages) m
    CROSS JOIN LATERAL unnest(string_to_array(m.categories, ';')) AS part(name)
    WHERE trim(BOTH ' ' || chr(9) FROM part.name) <> ''
),
-- The table: "all" counts each kept conversation once, a category each of
-- its kept conversations.
cells AS (
    SELECT 'all' AS category, first_q, last_q, COUNT(*) AS n
    FROM kept
    GROUP BY first_q, last_q
    UNION ALL
    SELECT cc.category, k.first_q, k.last_q, COUNT(*) AS n
    FROM kept k
    JOIN conv_cats cc ON cc.conversation_id = k.conversation_id
    GROUP BY cc.category, k.first_q, k.last_q
),
-- Names without a kept conversation get one row "name,,,0".
empty_names AS (
    SELECT category FROM (SELECT 'all' AS category UNION SELECT category FROM conv_cats) names
    EXCEPT
    SELECT category FROM cells
),
counts AS (
    SELECT COUNT(*) AS n_rows,
           SUM(CASE WHEN kind = 'h' THEN 1 ELSE 0 END) AS n_human,
           SUM(CASE WHEN kind = 'a' THEN 1 ELSE 0 END) AS n_assistant,
           SUM(CASE WHEN kind = 'i' THEN 1 ELSE 0 END) AS n_ignored,
           COUNT(DISTINCT conversation_id) AS n_conversations
    FROM classified
),
kept_counts AS (
    SELECT COUNT(*) AS n_kept,
           SUM(CASE WHEN c.conversation_id IS NULL THEN 1 ELSE 0 END) AS n_without
    FROM kept k
    LEFT JOIN (SELECT DISTINCT conversation_id FROM conv_cats) c ON c.conversation_id = k.conversation_id
),
-- The file's lines with their sort keys: section, then (category, first_q,
-- last_q) for the table and (value, label) for the scale.
lines (sec, name, k1, k2, label, line) AS (
    SELECT 0, '', 0, 0, '', '# sentraj-summary v1' FROM params
    UNION ALL
    SELECT 1, '', 0, 0, '', '# category,first_q,last_q,count: kept conversations whose first and last window '
                            || 'label sums are first_q/denom and last_q/denom (see sentraj''s docs/scale.md)' FROM params
    UNION ALL
    SELECT 2, '', 0, 0, '', 'window,' || CAST(win AS VARCHAR(40)) FROM params
    UNION ALL
    SELECT 3, '', 0, 0, '', 'min_human,' || CAST(min_human AS VARCHAR(40)) FROM params
    UNION ALL
    SELECT 4, '', 0, 0, '', 'denom,' || CAST(denom AS VARCHAR(40)) FROM params
    UNION ALL
    SELECT 5, '', q, 0, label, 'scale,' || label || ',' || value_text FROM scale
    UNION ALL
    SELECT 6, '', 0, 0, '', 'rows,' || CAST(n_rows AS VARCHAR(40)) FROM counts
    UNION ALL
    SELECT 7, '', 0, 0, '', 'human_messages,' || CAST(COALESCE(n_human, 0) AS VARCHAR(40)) FROM counts
    UNION ALL
    SELECT 8, '', 0, 0, '', 'assistant_messages,' || CAST(COALESCE(n_assistant, 0) AS VARCHAR(40)) FROM counts
    UNION ALL
    SELECT 9, '', 0, 0, '', 'ignored_messages,' || CAST(COALESCE(n_ignored, 0) AS VARCHAR(40)) FROM counts
    UNION ALL
    SELECT 10, '', 0, 0, '', 'conversations,' || CAST(n_conversations AS VARCHAR(40)) FROM counts
    UNION ALL
    SELECT 11, '', 0, 0, '', 'kept,' || CAST(n_kept AS VARCHAR(40)) FROM kept_counts
    UNION ALL
    SELECT 12, '', 0, 0, '', 'dropped_short,' || CAST(c.n_conversations - k.n_kept AS VARCHAR(40))
    FROM counts c CROSS JOIN kept_counts k
    UNION ALL
    SELECT 13, '', 0, 0, '', 'kept_without_category,' || CAST(COALESCE(n_without, 0) AS VARCHAR(40)) FROM kept_counts
    UNION ALL
    SELECT 14, '', 0, 0, '', 'categories_unmatched,0' FROM params
    UNION ALL
    SELECT 15, '', 0, 0, '', 'category,first_q,last_q,count' FROM params
    UNION ALL
    SELECT 16, category, first_q, last_q, '', category || ',' || CAST(first_q AS VARCHAR(40)) || ','
               || CAST(last_q AS VARCHAR(40)) || ',' || CAST(n AS VARCHAR(40))
    FROM cells
    UNION ALL
    SELECT 16, category, 0, 0, '', category || ',,,0' FROM empty_names
)
-- Category names holding a comma, a quote or a line end are CSV-quoted.
SELECT CASE
           WHEN sec = 16 AND (position(',' IN name) > 0 OR position('"' IN name) > 0
                              OR position(chr(10) IN name) > 0 OR position(chr(13) IN name) > 0)
               THEN '"' || replace(name, '"', '""') || '"' || substr(line, length(name) + 1)
           ELSE line
       END AS line
FROM lines
ORDER BY sec, name COLLATE "C", k1, k2, label COLLATE "C";
