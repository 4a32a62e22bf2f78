DROP TABLE progress_snapshots;
