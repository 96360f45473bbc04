-- Dragoman corpus store, schema version 1 (DuckDB).
-- Owned by dragoman.store; the web app and scale-out read these tables.
-- Columns may be added by later migrations; none is renamed or removed
-- without a migration in dragoman/store/migrations.
-- Lists of participants are JSON arrays of Actor objects (see dragoman.schema.Actor);
-- the *_codes / *_countries arrays are derived from them for filtering.

CREATE TABLE IF NOT EXISTS meta (
    key VARCHAR PRIMARY KEY,
    value VARCHAR
);

CREATE TABLE IF NOT EXISTS runs (
    run_id INTEGER PRIMARY KEY,
    started_at TIMESTAMP,
    finished_at TIMESTAMP,
    version VARCHAR,            -- dragoman version
    config_hash VARCHAR,
    dictionary_hash VARCHAR,    -- hash of lexicons and actor dictionaries used
    command VARCHAR,
    num_documents INTEGER,
    num_mentions INTEGER,
    num_errors INTEGER,
    seconds DOUBLE
);

CREATE TABLE IF NOT EXISTS documents (
    doc_id VARCHAR PRIMARY KEY,     -- JSONL id, or derived from text_hash
    text_hash VARCHAR NOT NULL UNIQUE,
    fingerprint VARCHAR,            -- near-duplicate fingerprint (wire copies)
    url VARCHAR,
    site VARCHAR,
    source VARCHAR,                 -- file path / archive record it came from
    title VARCHAR,
    lang VARCHAR,
    pub_date DATE,
    ingested_at TIMESTAMP,
    input_format VARCHAR,
    num_chars INTEGER,
    num_events INTEGER,
    status VARCHAR,                 -- coded | skipped | failed
    run_id INTEGER,
    text VARCHAR                    -- only with --keep-text
);

CREATE TABLE IF NOT EXISTS mentions (
    mention_id VARCHAR PRIMARY KEY, -- doc_id + "/" + event_id within the document
    doc_id VARCHAR NOT NULL,
    event_id VARCHAR,               -- the cluster (events.event_id)
    type VARCHAR NOT NULL,
    mode VARCHAR,
    contexts VARCHAR[],
    cameo VARCHAR,
    quad_class TINYINT,
    goldstein DOUBLE,
    actor JSON,
    recipient JSON,
    actor_codes VARCHAR[],
    recipient_codes VARCHAR[],
    actor_countries VARCHAR[],
    recipient_countries VARCHAR[],
    actor_names VARCHAR[],
    recipient_names VARCHAR[],
    date DATE,
    date_precision VARCHAR,
    date_text VARCHAR,
    location JSON,
    location_name VARCHAR,
    location_country VARCHAR,
    lat DOUBLE,
    lon DOUBLE,
    geonameid BIGINT,
    status VARCHAR,
    confidence DOUBLE,
    lang VARCHAR,
    evidence JSON,                  -- list of Evidence objects (sentence, offsets, trigger, rule)
    sentence VARCHAR,               -- first evidence sentence, for text search
    version VARCHAR,
    run_id INTEGER
);

CREATE TABLE IF NOT EXISTS events (
    event_id VARCHAR PRIMARY KEY,   -- stable cluster id
    type VARCHAR NOT NULL,
    mode VARCHAR,
    contexts VARCHAR[],
    cameo VARCHAR,
    quad_class TINYINT,
    goldstein DOUBLE,
    actor JSON,
    recipient JSON,
    actor_codes VARCHAR[],
    recipient_codes VARCHAR[],
    actor_countries VARCHAR[],
    recipient_countries VARCHAR[],
    actor_names VARCHAR[],
    recipient_names VARCHAR[],
    date DATE,
    date_precision VARCHAR,
    location JSON,
    location_name VARCHAR,
    location_country VARCHAR,
    lat DOUBLE,
    lon DOUBLE,
    geonameid BIGINT,
    status VARCHAR,
    confidence DOUBLE,
    num_mentions INTEGER,
    num_sources INTEGER,
    num_articles INTEGER,
    first_seen TIMESTAMP,
    last_seen TIMESTAMP,
    best_mention_id VARCHAR,
    source_urls VARCHAR[]
);

CREATE TABLE IF NOT EXISTS actors (
    actor_key VARCHAR PRIMARY KEY,  -- code + "|" + name
    name VARCHAR,
    country VARCHAR,
    sector VARCHAR,
    code VARCHAR,
    qid VARCHAR,
    num_mentions INTEGER
);

CREATE TABLE IF NOT EXISTS errors (
    run_id INTEGER,
    "at" TIMESTAMP,                 -- quoted: AT is a keyword in DuckDB 2
    source VARCHAR,                 -- file path / record named in the message
    doc_id VARCHAR,
    stage VARCHAR,
    code VARCHAR,
    message VARCHAR
);
