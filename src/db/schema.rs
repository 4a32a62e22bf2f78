// One portable schema for SQLite and PostgreSQL. Kept in step with both migration folders;
// `tests/api/schema_check.rs` compares it with the migrated databases.

diesel::table! {
    app_settings (key) {
        key -> Text,
        value -> Text,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    units (id) {
        id -> BigInt,
        code -> Text,
        name_vi -> Text,
        name_en -> Text,
        kind -> Text,
        parent_id -> Nullable<BigInt>,
        path -> Text,
        depth -> Integer,
        merged_into_id -> Nullable<BigInt>,
        merged_on -> Nullable<Date>,
        treasury_account_no -> Nullable<Text>,
        treasury_account_opened_on -> Nullable<Date>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    users (id) {
        id -> BigInt,
        username -> Text,
        role -> Text,
        password_hash -> Text,
        disabled_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    user_units (user_id, unit_id) {
        user_id -> BigInt,
        unit_id -> BigInt,
    }
}

diesel::table! {
    auth_tokens (id) {
        id -> BigInt,
        user_id -> BigInt,
        kind -> Text,
        name -> Text,
        token_hash -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        revoked_at -> Nullable<Timestamp>,
        last_used_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    throttles (key) {
        key -> Text,
        failures -> Integer,
        window_started_at -> Timestamp,
        locked_until -> Nullable<Timestamp>,
    }
}

diesel::table! {
    audit_events (id) {
        id -> BigInt,
        at -> Timestamp,
        actor_user_id -> Nullable<BigInt>,
        actor -> Text,
        action -> Text,
        entity_kind -> Text,
        entity_id -> Nullable<Text>,
        unit_id -> Nullable<BigInt>,
        case_id -> Nullable<BigInt>,
        request_id -> Nullable<Text>,
        before_json -> Nullable<Text>,
        after_json -> Nullable<Text>,
    }
}

diesel::joinable!(user_units -> users (user_id));
diesel::joinable!(user_units -> units (unit_id));
diesel::joinable!(auth_tokens -> users (user_id));

diesel::table! {
    imports (id) {
        id -> BigInt,
        kind -> Text,
        file_name -> Text,
        sha256 -> Text,
        unit_id -> BigInt,
        submitted_by -> Nullable<BigInt>,
        submitted_by_label -> Text,
        outcome -> Text,
        rows_total -> Integer,
        rows_valid -> Integer,
        rows_invalid -> Integer,
        rows_created -> Integer,
        rows_updated -> Integer,
        rows_unchanged -> Integer,
        rows_locked -> Integer,
        errors -> Integer,
        warnings -> Integer,
        started_at -> Timestamp,
        finished_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    import_problems (id) {
        id -> BigInt,
        import_id -> BigInt,
        severity -> Text,
        sheet -> Text,
        row_number -> Nullable<Integer>,
        column_name -> Nullable<Text>,
        cell_value -> Nullable<Text>,
        code -> Text,
        message_vi -> Text,
        message_en -> Text,
    }
}

diesel::table! {
    people (id) {
        id -> BigInt,
        national_id -> Text,
        full_name -> Text,
        date_of_birth -> Text,
        sex -> Text,
        bank_account -> Nullable<Text>,
        bank_name -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    cases (id) {
        id -> BigInt,
        person_id -> BigInt,
        unit_id -> BigInt,
        original_unit_id -> BigInt,
        state -> Text,
        version -> Integer,
        scheme -> Text,
        category -> Text,
        band -> Text,
        leave_window -> Nullable<Text>,
        leave_date -> Date,
        decision_date -> Nullable<Date>,
        salary_exact -> Text,
        entitled_vnd -> BigInt,
        paid_vnd -> BigInt,
        input_hash -> Text,
        payment_reference -> Text,
        lookup_code_hash -> Nullable<Text>,
        import_id -> Nullable<BigInt>,
        source_row -> Nullable<Integer>,
        submitted_by -> Nullable<BigInt>,
        approved_by -> Nullable<BigInt>,
        approved_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        funding_source -> Nullable<Text>,
        entitlement_set_at -> Nullable<Timestamp>,
        last_payment_on -> Nullable<Date>,
        original_entitled_vnd -> Nullable<BigInt>,
    }
}

diesel::table! {
    mapping_profiles (unit_id, list_kind, name) {
        unit_id -> BigInt,
        list_kind -> Text,
        name -> Text,
        shape -> Text,
        mapping -> Text,
        saved_by -> Text,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    case_components (case_id, code) {
        case_id -> BigInt,
        code -> Text,
        amount_vnd -> BigInt,
        original_vnd -> Nullable<BigInt>,
    }
}

diesel::table! {
    case_documents (case_id) {
        case_id -> BigInt,
        input_json -> Text,
        result_json -> Text,
        policy_versions -> Text,
    }
}

diesel::table! {
    case_markers (case_id) {
        case_id -> BigInt,
        entitlement_changed_on -> Nullable<Date>,
        pending_entitled_vnd -> Nullable<BigInt>,
        disputed_on -> Nullable<Date>,
        duplicate_payment_on -> Nullable<Date>,
    }
}

diesel::table! {
    case_messages (id) {
        id -> BigInt,
        case_id -> BigInt,
        kind -> Text,
        body -> Text,
        created_at -> Timestamp,
        answer -> Nullable<Text>,
        answered_at -> Nullable<Timestamp>,
        answered_by -> Nullable<BigInt>,
    }
}

diesel::table! {
    case_events (id) {
        id -> BigInt,
        case_id -> BigInt,
        at -> Timestamp,
        actor_user_id -> Nullable<BigInt>,
        actor -> Text,
        action -> Text,
        from_state -> Nullable<Text>,
        to_state -> Text,
        reason -> Nullable<Text>,
        detail_json -> Nullable<Text>,
        request_id -> Nullable<Text>,
    }
}

diesel::table! {
    import_files (import_id) {
        import_id -> BigInt,
        kind -> Text,
        content_type -> Text,
        content_base64 -> Text,
        bytes -> BigInt,
    }
}

diesel::table! {
    reconciliation_matches (id) {
        id -> BigInt,
        import_id -> Nullable<BigInt>,
        method -> Text,
        score -> Integer,
        reasons -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    payments (id) {
        id -> BigInt,
        case_id -> BigInt,
        amount_vnd -> BigInt,
        paid_on -> Date,
        method -> Text,
        payer_unit_id -> Nullable<BigInt>,
        reference -> Text,
        reverses_id -> Nullable<BigInt>,
        import_id -> Nullable<BigInt>,
        source_row -> Nullable<Integer>,
        recorded_by -> Nullable<BigInt>,
        recorded_by_label -> Text,
        match_id -> Nullable<BigInt>,
        created_at -> Timestamp,
        batch_id -> Nullable<BigInt>,
    }
}

diesel::table! {
    upload_drafts (token) {
        token -> Text,
        user_id -> BigInt,
        kind -> Text,
        unit_code -> Text,
        file_name -> Text,
        content_base64 -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    import_jobs (token) {
        token -> Text,
        user_id -> BigInt,
        kind -> Text,
        file_name -> Text,
        phase -> Text,
        rows_done -> BigInt,
        rows_total -> BigInt,
        import_id -> Nullable<BigInt>,
        result -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        finished_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    progress_snapshots (day, unit_id) {
        day -> Date,
        unit_id -> BigInt,
        people -> BigInt,
        paid -> BigInt,
        entitled_vnd -> BigInt,
        paid_vnd -> BigInt,
        rebuilt -> Bool,
        taken_at -> Timestamp,
    }
}

diesel::table! {
    unit_state_totals (unit_id, state) {
        unit_id -> BigInt,
        state -> Text,
        cases -> BigInt,
        entitled_vnd -> BigInt,
        paid_vnd -> BigInt,
    }
}

diesel::table! {
    units_version (id) {
        id -> BigInt,
        version -> BigInt,
    }
}

diesel::table! {
    deadline_cuts (cut) {
        cut -> Date,
    }
}

diesel::table! {
    totals_deferred (since_id) {
        since_id -> BigInt,
    }
}

diesel::table! {
    unit_owed (unit_id, decision_band, approved_on) {
        unit_id -> BigInt,
        decision_band -> Date,
        approved_on -> Date,
        cases -> BigInt,
    }
}

diesel::table! {
    payment_batches (id) {
        id -> BigInt,
        unit_id -> BigInt,
        number -> Integer,
        batch_date -> Date,
        order_ref -> Nullable<Text>,
        created_by -> Nullable<BigInt>,
        created_by_label -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    payment_batch_lines (batch_id, case_id) {
        batch_id -> BigInt,
        case_id -> BigInt,
        line_no -> Integer,
        worker_group -> Integer,
        full_name -> Text,
        bank_account -> Nullable<Text>,
        bank_name -> Nullable<Text>,
        amount_vnd -> BigInt,
        supplement -> Bool,
    }
}

diesel::table! {
    statement_lines (id) {
        id -> BigInt,
        import_id -> BigInt,
        unit_id -> BigInt,
        line_date -> Date,
        amount_vnd -> BigInt,
        account_no -> Nullable<Text>,
        counterparty -> Nullable<Text>,
        description -> Text,
        bank_reference -> Nullable<Text>,
        sequence -> Nullable<Text>,
        source_row -> Integer,
        fingerprint -> Text,
        case_id -> Nullable<BigInt>,
        match_id -> Nullable<BigInt>,
        unmatched_reason -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::joinable!(payments -> cases (case_id));
diesel::joinable!(payment_batches -> units (unit_id));
diesel::joinable!(payment_batch_lines -> payment_batches (batch_id));
diesel::joinable!(payment_batch_lines -> cases (case_id));
diesel::joinable!(case_markers -> cases (case_id));
diesel::joinable!(case_documents -> cases (case_id));
diesel::joinable!(case_components -> cases (case_id));
diesel::joinable!(statement_lines -> units (unit_id));

diesel::joinable!(import_problems -> imports (import_id));
diesel::joinable!(import_files -> imports (import_id));
diesel::joinable!(cases -> people (person_id));
diesel::joinable!(case_events -> cases (case_id));
diesel::joinable!(case_messages -> cases (case_id));
diesel::joinable!(imports -> units (unit_id));
diesel::joinable!(cases -> units (unit_id));

diesel::allow_tables_to_appear_in_same_query!(
    app_settings,
    units,
    users,
    user_units,
    auth_tokens,
    throttles,
    audit_events,
    imports,
    import_problems,
    import_files,
    people,
    cases,
    case_documents,
    case_components,
    mapping_profiles,
    case_markers,
    case_events,
    case_messages,
    reconciliation_matches,
    payments,
    payment_batches,
    payment_batch_lines,
    statement_lines,
    upload_drafts,
    import_jobs,
    unit_state_totals,
    unit_owed,
    deadline_cuts,
    totals_deferred,
    units_version,
    progress_snapshots,
);
