DROP TABLE mapping_profiles;
