DROP TABLE case_events;
DROP TABLE cases;
DROP TABLE people;
DROP TABLE import_problems;
DROP TABLE imports;
