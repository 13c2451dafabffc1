"""One function per counter action: validate, decide with the rule module, persist in one transaction.

Every service takes a Session first and `today: date` where time matters (no clock inside; the UI passes
date.today()), and checks it first (permissions.require: nobody logged in, a locked window, a forced password
change are refused, reads included; issue 12). Bad input raises errors.InputError(field, Chinese message) before anything is written;
rule refusals become InputError on the form field they concern (parameter problems keep
"parameters.<name>"). Every write is one transaction with its audit entry; a full disk, a read-only or locked file raise
errors.StoreError (Chinese .message) after the rollback.

The index below is checked against the modules (tests/test_services_index.py): every name it shows exists with
the parameters shown, and every public function taking the session is listed under its module.

session.py      Session(db, path, office: Office(jurisdiction, name), operator, clock, role, operator_id, locked,
                    demo, source, ...)   (source: the office's server as postgresql://user@host:port/db, never
                    the password; None for a data file; .server, .source_label, .data_source)
                open_session(path, operator=None, clock=..., check=True, exclusive=False, password=None) -> Session
                    (path: a data file or a postgresql:// address; raises errors.StoreError, errors.ServerUnavailable
                    for a server that cannot be reached; store.db.DiskFull before an upgrade without the space it
                    needs). No rights: the application logs someone in with auth.login. Every commit moves the
                    audit anchor beside the file (for a server: in this PC's place for it) on (anchors.py).
                open_trusted_session(path, operator, clock=..., check=True, exclusive=False, password=None)
                    -> Session   (role "system", every permission: tests, the self-check, the demo builder, the
                    benchmark)
                on_own_connection(session) -> Session   (the same operator on a connection of its own to the same
                    file or server, for a worker thread; commits move the anchor on) ;
                connect_data(source) -> store connection   (session.data_source: a job's own connection)
                default_data_path() -> Path      (FLEXINS_DATA_DIR overrides; never the install folder)
                demo_data_path(jurisdiction=None) -> Path   (demo-<jurisdiction>.sqlite3 beside it) ;
                    is_demo_path(path) -> bool: the only thing that makes a file a demo database (Session.demo)
settings.py     get_office(session) -> Office ; set_office(session, jurisdiction, name) -> Office
                get_office_contact(session) -> OfficeContact(address, phone, channels, review_body, court) ;
                set_office_contact(session, address, phone, channels, review_body, court)   (printed on notices;
                    a real notice is refused while address, phone, review body or court is empty)
                get_setting(session, key) ; set_setting(session, key, value)   (idle_lock_minutes, backup_*)
people.py       search_people(session, text, limit=50, offset=0) -> list[PersonSummary]   (ID, mobile number,
                    name with spaces ignored, 拼音首字母; pages for a list that fetches more as it scrolls)
                get_person(session, person_id) -> Person ; mask_id_number(id_number) -> str ;
                shown_id_number(session, id_number) -> str   (the one masking rule for screens and lists, by role)
enrolment.py    check_id_number(text) -> IdInfo ; preview_enrolment(session, form, today) -> EnrolmentPreview
                enrol(session, form, today) -> Enrolment(person_id, created, name_mismatch, preview, existing_name)
payments.py     ledger(session, person_id, today) -> Ledger(months, benefit_start, waiting_periods, citations,
                    prior, decision, payment_cycle, standard, notes, benefit_start_expected, status)
                record_payment(session, person_id, months, paid_on, receipt_no, today, confirm_past_limit=False)
                    -> Ledger   (late fees recorded; months past the limit raise PastLimit until confirmed)
                quote_back_payment(session, person_id, today) -> BackPaymentQuote   (month by month: kind,
                    late fee; lapsed months, pay_by, waiting if paid; today vs next month)
                void_payment(session, person_id, month, reason, today) -> Ledger   (row + reason kept)
                record_months(session, person_id, months, paid_on, receipt_no, today, confirm_past_limit=False)
                    (record_payment without the new ledger, for batch callers)
                quote_payment(session, person_id, months, paid_on, today) -> dict   (what paying chosen months costs
                    and changes: the rule module's back_payment)
                this_months_standard(session, person, today) -> (contribution decision or None, why not)
                back_payment_today(session, person_id, today) -> dict   (the quote's rule decision alone, for lists)
                unpaid_due(session, person_id, today) -> int | None   (months fallen due unpaid: the list's 欠费)
tax_import.py   import_tax_file(session, path, today, dry_run=True, progress=None, cancel=None) -> ImportReport
                    (all or nothing; progress: (stage, done, total); a cancel returning True raises ImportCancelled
                    with nothing written; the import right after a clean dry run on the same session reuses its
                    check) ; imports(session) -> list[dict]   (files imported so far)
transfer.py     decide_transfer(session, person_id, form, today) -> dict
                save_transfer(session, person_id, form, today) -> int (decision id)
                transfer_out(session, person_id, to_region, to_province, today) -> (decision id, decision)   (转出: what
                    the 参保缴费凭证 prints) ; transfers_for_person(session, person_id) -> list[dict]   (in and out)
mode_change.py  quote_mode_change(session, person_id, new_mode, today) -> ModeChangeQuote   (参保方式变更 from next
                    month: the difference due for pooling-only months) ; uncovered_pooling_months(session, person_id)
                change_mode(session, person_id, new_mode, paid_on, receipt_no, reason, today) -> int
person_changes.py change_person(session, person_id, field, value, valid_from, reason, today) -> PersonChange
                    (信息变更: contact details, category, payment cycle, 江苏's base band; each dated)
                history(session, person_id, field=None) -> list[PersonChange]
person_status.py change_status(session, person_id, status, from_month, reason, today) -> PersonChange   (停保, 恢复,
                    终止参保)
retirement.py   retirement_record(session, person_id, today) -> RetirementRecord
                add_correction(session, person_id, kind, months, reason, today) -> int
                void_correction(session, correction_id, reason, today) -> int
                decide_retirement(session, person_id, today) -> dict ; save_retirement(...) -> int
notices.py      issue_notice(session, person_id, kind, decision, today, render, replaces=None, decision_id=None,
                    related=None, certificate=None) -> IssuedNotice(serial, pdf, sha256)
                    kinds: waiting_period, lump_sum (arrears, transfer gap), retirement_lump_sum (趸缴), transfer,
                    retirement, mode_change, transfer_out (参保缴费凭证); related {"next_month": the back_payment
                    decision for paying next month (required with arrears), "contribution": the month's contribution
                    (looked up when not given)}; a shipped parameter marked `confirm` that the office has not entered
                    stops a real notice (a 示例 one prints)
                reprint_notice(session, serial) -> bytes ; notice_inputs(session, serial) -> dict
                earlier_notice(session, person_id, kind, decision, decision_id=None) -> dict | None   (one already
                    issued for this decision: 重印 or 更正)
                record_receipt(session, serial, returned_on, today) -> dict   (the signed 回执 came back; once)
                batch_notice(session, person, kind, decision, today, serial, extra=None) -> dict   (one notice of a
                    batch of reminders, as issue_notice builds it; reminders.run_batch renders and archives it)
                notices_for_person(session, person_id) -> list[dict]   (with receipt_returned_on)
                (the counter calls desktop_app.notices.issue.issue_notice, which passes the renderer)
                转出 凭证: desktop_app.notices.issue.issue_transfer_certificate(session, person_id, today, periods,
                    last_paid_month, mode=None, transfer_to="", recognized_months=None, months_here=None) with
                    plain data: periods [{"from": "YYYY-MM", "to": "YYYY-MM", "months": n}] insured here, the
                    totals from the transfer_out decision (content: desktop_app.notices.transfer_out.certificate)
outlook.py      pending(session, today) -> int   (people whose outlook must be decided before today's lists) ;
                refresh(session, today, progress=None, cancel=None, limit=None) -> int   (by chunks, each one
                    transaction) ; decide_chunk(session, chunk, today, params, cache) -> list[dict]   (the rule
                    module's outlook question for a chunk; refresh's step, the benchmark's too)
worklists.py    counts(session, today, filters=Filters()) -> dict ; day(session, today, kind, filters=Filters())
                    -> (counts, rows of kind)   (今日待办 in one pass) ; worklist(session, kind, today,
                    filters=Filters(), sort="by_when", descending=False) -> list[WorkRow]   (ID numbers by role) ;
                operators(session) -> list[str]   (the 经办人 filter's names)
reminders.py    plan_batch(session, kind, person_ids, today) -> BatchPlan   (payment_reminder, arrears_demand) ;
                    run_batch(plan, render, render_many, progress=None, cancel=None) -> BatchResult   (any thread;
                    serials held first, all archived in one transaction, 取消 archives nothing)
report.py       monthly_report(session, first, last) -> Report   (by jurisdiction, category and mode, the changes,
                    contributions by source, benefit states) ; people_behind(session, report, figure, limit=5000)
daily_close.py  operators_of_day(session, day) ; daily_close(session, day, operator) -> DailyClose   (from the
                    audit log) ; sign_off(session, close, note="") -> dict   (复核员, not the operator) ;
                signed(session, day, operator) ; chain_anchor(session) -> str   (audit_log.close_sheet_anchor's text)
list_export.py  export_list(session, title, headers, rows, path, fmt="xlsx", note="") -> Path   (.xlsx or CSV,
                    formula-like cells as text, written atomically, audited export.list)
parameters.py   parameter_rows(session, jurisdiction=None) -> list[ParameterRow]
                unconfirmed_parameters(session, jurisdiction=None) -> list[ParameterRow]   (shipped values waiting
                    for the office's confirmation: entering a value from that date on confirms it)
                set_parameter(session, name, valid_from, value, source, today, jurisdiction=None, demo=False)
                parameter_change_impact(session, name, valid_from, jurisdiction=None) -> int
                parameter_coverage(session, name, today, jurisdiction=None) -> Coverage   (the months since the
                    document took effect that still have no value)
demo_parameters.py enter_demo_parameters(session, jurisdiction, today)   (the 示例 values, through set_parameter)
audit_log.py    check_file(path, backup_folders=(), paper=None, cancel=None) -> FileCheck(ok, message, lines, entries,
                    head, first_bad_id): integrity_check, the chain, the tables against the entries
                    (store/verify.py), the anchors (settings, backups' catalogue, close sheet `N:HASH`)
                verify_chain(session, cancel=None) -> FileCheck (管理员) ; close_sheet_anchor(session) ->
                    CloseSheetAnchor(entries, head, text) for the daily close sheet ; audit_entries(session, limit=200)
anchors.py      the settings anchor beside the data file (read, record, reset after a restore, forget), disagreement
                    (DPAPI-signed on Windows)
permissions.py  require(session, "read"|"counter"|"correct"|"list_id_numbers"|"admin") raises PermissionDenied
                    (an InputError with field None, Chinese) ; may(session, permission) -> bool (for the screens)
auth.py         ensure_first_admin(session) ; is_first_start(session) ; lock_minutes(session) ; login(session, username, password) -> LoginResult (the same answer
                    and one scrypt for known and unknown names) ; logout ; lock ; unlock(session, password,
                    username=None) ; change_password(session, old_password, new_password, repeat) (wrong old passwords count) ;
                demo_login(session) (Session.demo only) ; hash_password / check_password (scrypt N=2^17) ;
                validate_new_password (10+ characters, not common, not the user name)
operators.py    list_operators ; create_operator ; update_operator(role=, active=, full_name=) ; reset_password ;
                unlock_operator                                                       (管理员)
instance_lock.py acquire(data_path) -> InstanceLock (raises InstanceLocked naming the holder, NetworkFolder for a
                    share); the sidecar and the data file itself are locked ; is_network_folder(folder)
integrity.py    check_integrity(path, quick=True, cancel=None) -> IntegrityResult(ok, message, problems, seconds)
backup.py       plan_backup(session, manual=False) -> BackupJob (refused until a passphrase is set) ;
                run_backup(job, progress, cancel) -> BackupResult (any thread; encrypted .fxbak, catalogued;
                    .warning names older backups that could not be deleted, prune_failed) ;
                set_backup_passphrase(session, passphrase, repeat) ; store_key ; current_key(db) ; has_backup_key ;
                list_backups(folder, data_path) ; backup_due ; backup_folder(session) ; read_catalogue ;
                catalogue_anchor ; sweep_leftovers(data_path, folders) (at start) ; note_partial / done_partial
backup_crypto.py encrypt_file / decrypt_file / read_header (AES-256-GCM, scrypt; BackupCryptoError in Chinese)
restore.py      verify_backup(path, passphrase=...) -> BackupCheck ; plan_restore(session, backup_path) ;
                run_restore(job, progress, cancel, passphrase=None, confirmed=()) (raises NeedsConfirmation with
                the warnings: another office, a shorter audit, another chain) ; finish_restore(session) ;
                restore_damaged_file(data_path, backup_path, username, password, passphrase=...)
export.py       plan_export(session, folder, full_id_numbers=False) ; run_export(job, progress, cancel) -> ExportResult
                (masked: no birth date, address or retirement month either; no cell a spreadsheet runs)
demo.py         build_demo_database(path, today, render=None, jurisdiction="xinyang") -> Path   (one office)
server_login.py this PC's way to the office's server (issue 17): check_url(url) ; chosen_source() ;
                    choose_source(url, password=None)   (None: this PC's own data file again) ;
                    save_password(public_url, password) / saved_password(public_url)   (protected by Windows) ;
                    connect_server(url, readonly=False, password=None) ; local_place(public_url) -> Path
server_migration.py move_file_to_server(path, url, operator=..., progress=None) -> Moved(ok, message, counts,
                    entries, head)   (python -m desktop_app.server migrate: counts and the audit chain checked on
                    both sides, one transaction)
server_backup.py run_server_backup(job, url) -> BackupResult   (pg_dump in an exported snapshot, encrypted like
                    a file's; backup.run_backup calls it for a server's job) ;
                restore_into(backup_path, url, key, scratch) -> ServerRestore(ok, message, entries, tables)   (into
                    an empty database only, then the audit check)
rules_glue.py   ask(session, case, default_field=None) ; parameter_in_force(session, name, on, jurisdiction=None)
"""
