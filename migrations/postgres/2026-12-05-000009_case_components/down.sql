DROP TABLE case_components;
DELETE FROM app_settings WHERE key = 'data_step.case_components_v1';
