-- A media job has stages: 0 makes the media (every rendition but those left for later) and publishes it; 1 makes the
-- low-bit-rate video rendition of a clip that was ready at once because it was copied, not re-encoded.
ALTER TABLE media_jobs ADD COLUMN stage INTEGER NOT NULL DEFAULT 0;
