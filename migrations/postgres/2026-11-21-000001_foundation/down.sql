DROP TABLE audit_events;
DROP FUNCTION audit_events_append_only();
DROP TABLE throttles;
DROP TABLE auth_tokens;
DROP TABLE user_units;
DROP TABLE users;
DROP TABLE units;
DROP TABLE app_settings;
