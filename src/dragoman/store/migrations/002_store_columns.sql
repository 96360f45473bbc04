-- Schema version 2: columns the corpus store needs beyond the version-1 layout.
-- Only ADD COLUMN / CREATE TABLE here: readers of version 1 keep working.

ALTER TABLE documents ADD COLUMN IF NOT EXISTS input_id VARCHAR;      -- Document.id as read (JSONL id, path)
ALTER TABLE documents ADD COLUMN IF NOT EXISTS skip_reason VARCHAR;   -- why a document was not coded
ALTER TABLE documents ADD COLUMN IF NOT EXISTS num_errors INTEGER;
ALTER TABLE documents ADD COLUMN IF NOT EXISTS meta JSON;             -- Document.meta as read

ALTER TABLE mentions ADD COLUMN IF NOT EXISTS mention_index INTEGER;  -- order of the event in its document
ALTER TABLE mentions ADD COLUMN IF NOT EXISTS reported_by JSON;       -- "X said that ..." sources (Actor list)
ALTER TABLE mentions ADD COLUMN IF NOT EXISTS block_key VARCHAR;      -- dedup block: status|type group|actors|recipients

ALTER TABLE events ADD COLUMN IF NOT EXISTS block_key VARCHAR;
ALTER TABLE events ADD COLUMN IF NOT EXISTS languages VARCHAR[];      -- languages of the reports
ALTER TABLE events ADD COLUMN IF NOT EXISTS date_text VARCHAR;        -- raw date phrase of the best mention

ALTER TABLE runs ADD COLUMN IF NOT EXISTS status VARCHAR;             -- running | finished (a crash leaves running)
ALTER TABLE runs ADD COLUMN IF NOT EXISTS num_new INTEGER;
ALTER TABLE runs ADD COLUMN IF NOT EXISTS num_present INTEGER;
ALTER TABLE runs ADD COLUMN IF NOT EXISTS num_skipped INTEGER;
ALTER TABLE runs ADD COLUMN IF NOT EXISTS num_failed INTEGER;
ALTER TABLE runs ADD COLUMN IF NOT EXISTS num_clusters INTEGER;
ALTER TABLE runs ADD COLUMN IF NOT EXISTS workers INTEGER;
ALTER TABLE runs ADD COLUMN IF NOT EXISTS options JSON;

CREATE INDEX IF NOT EXISTS mentions_doc_idx ON mentions (doc_id);
CREATE INDEX IF NOT EXISTS mentions_event_idx ON mentions (event_id);
CREATE INDEX IF NOT EXISTS mentions_block_idx ON mentions (block_key);
