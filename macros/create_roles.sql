{#-
    `dbt run-operation create_roles [--args '{build_user: <login role>}']`

    The least-privilege roles of the project (README: Roles and grants), idempotent: run it
    once as a database administrator (a superuser, or a role with CREATEROLE that owns the
    schemas), and again whenever you like. Role names are the vars builder_role,
    execution_hub_role and bi_role. Every role is NOLOGIN: people and services log in as
    their own LOGIN roles and are granted one of these (`grant outreach_bi to alice`), so no
    password is ever set, stored or logged by this project.

    - builder_role owns every schema the project writes (the target schema of staging and
      intermediate, rules, reporting, execution: read from the graph), may read every
      declared source table, and counts build_user (default: the profile's user) among its
      members, so the profile's user builds with the builder's rights.
    - Every role a model's `grants` config names gets usage on that model's schema; the
      tables themselves are granted by dbt on every build (the grants config survives
      rebuilds and --full-refresh, the grants of a dropped table do not). Where every model
      of a schema grants select to a role (reporting → bi_role), future tables of that schema
      are granted to it by default privileges too.
    - execution_hub_role may insert into its source table, execution.send_events (and not
      read, change or delete it); the send-time views it reads (send_recheck,
      sendable_messages) are granted by their grants config, and its ledger
      (execution.send_attempts: read, claim, record) by start_run, which creates it. The
      queue itself, the decision log and the run log are not its business.
-#}
{% macro create_roles(build_user=none) -%}
    {%- set builder = var('builder_role') -%}
    {%- set hub = var('execution_hub_role') -%}
    {%- set bi = var('bi_role') -%}
    {%- set build_user = build_user or target.user -%}
    {%- set q = adapter.quote -%}

    {#- 1. The three roles, NOLOGIN. -#}
    {%- do run_query(ensure_roles(from_hook=false) ~ ';\ncommit') -%}

    {%- set models = [] -%}
    {%- set schemas = [] -%}
    {%- for node in graph.nodes.values() if node.resource_type in ['model', 'seed', 'snapshot'] -%}
        {%- if node.resource_type == 'model' -%}
            {%- do models.append(node) -%}
        {%- endif -%}
        {%- if node.schema not in schemas -%}
            {%- do schemas.append(node.schema) -%}
        {%- endif -%}
    {%- endfor -%}

    {%- set statements = [] -%}

    {#- 2. The builder: owns the project's schemas, reads the sources, has the profile's user as member. -#}
    {%- set build_user_is_superuser = run_query(
        "select coalesce(bool_or(rolsuper), false) from pg_roles where rolname = '"
        ~ build_user | replace("'", "''") ~ "'"
    ).columns[0].values()[0] -%}
    {%- if build_user != builder and not build_user_is_superuser -%}
        {%- do statements.append('grant ' ~ q(builder) ~ ' to ' ~ q(build_user)) -%}
    {%- endif -%}
    {%- for schema in schemas | sort -%}
        {%- do statements.append('create schema if not exists ' ~ q(schema) ~ ' authorization ' ~ q(builder)) -%}
        {%- do statements.append('alter schema ' ~ q(schema) ~ ' owner to ' ~ q(builder)) -%}
    {%- endfor -%}
    {%- for source in graph.sources.values() -%}
        {#- the project's own tables read back as sources (execution_history: the queue, the decision log, the run log) are the builder's already -#}
        {%- set relation = none if source.source_name == 'execution_history' else adapter.get_relation(
            database=source.database, schema=source.schema, identifier=source.identifier
        ) -%}
        {%- if relation is not none -%}
            {%- if source.schema not in schemas -%}
                {%- do statements.append('grant usage on schema ' ~ q(source.schema) ~ ' to ' ~ q(builder)) -%}
            {%- endif -%}
            {%- do statements.append('grant select on ' ~ relation ~ ' to ' ~ q(builder)) -%}
        {%- endif -%}
    {%- endfor -%}

    {#- 3. Usage on the schema of every granted model; default privileges where a whole schema is granted. -#}
    {%- set creators = [builder] if build_user == builder else [builder, build_user] -%}
    {%- for role in [hub, bi] -%}
        {%- set granted_schemas = [] -%}
        {%- for node in models -%}
            {%- set grantees = [] -%}
            {%- for privilege, names in (node.config.grants or {}).items() -%}
                {%- do grantees.extend([names] if names is string else names) -%}
            {%- endfor -%}
            {%- if role in grantees and node.schema not in granted_schemas -%}
                {%- do granted_schemas.append(node.schema) -%}
            {%- endif -%}
        {%- endfor -%}
        {%- for schema in granted_schemas | sort -%}
            {%- do statements.append('grant usage on schema ' ~ q(schema) ~ ' to ' ~ q(role)) -%}
            {%- set ns = namespace(all_granted=true) -%}
            {%- for node in models if node.schema == schema -%}
                {%- set selecting = (node.config.grants or {}).get('select', []) -%}
                {%- if role not in ([selecting] if selecting is string else selecting) -%}
                    {%- set ns.all_granted = false -%}
                {%- endif -%}
            {%- endfor -%}
            {%- if ns.all_granted -%}
                {%- for creator in creators -%}
                    {%- do statements.append(
                        'alter default privileges for role ' ~ q(creator) ~ ' in schema ' ~ q(schema)
                        ~ ' grant select on tables to ' ~ q(role)
                    ) -%}
                {%- endfor -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endfor -%}

    {#- 4. The Execution Hub appends what happened to its source table. -#}
    {%- set events = graph.sources['source.' ~ project_name ~ '.execution.send_events'] -%}
    {%- set events_relation = adapter.get_relation(
        database=events.database, schema=events.schema, identifier=events.identifier
    ) -%}
    {%- do statements.append('grant usage on schema ' ~ q(events.schema) ~ ' to ' ~ q(hub)) -%}
    {%- if events_relation is not none -%}
        {%- do statements.append('grant insert on ' ~ events_relation ~ ' to ' ~ q(hub)) -%}
    {%- else -%}
        {{- log("warning: " ~ events.schema ~ "." ~ events.identifier
            ~ " does not exist yet; run create_roles again once it does", info=True) -}}
    {%- endif -%}

    {%- do run_query(statements | join(';\n') ~ ';\ncommit') -%}
    {{- log("create_roles: " ~ builder ~ " owns " ~ schemas | sort | join(', ') ~ "; "
        ~ hub ~ " and " ~ bi ~ " granted (" ~ statements | length ~ " statements)", info=True) -}}
{%- endmacro %}
