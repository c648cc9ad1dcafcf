{#-
    on-run-start of the prod target: the grants config of the marts (dbt_project.yml) names
    the roles of the builder_role, execution_hub_role and bi_role vars (other targets grant
    nothing), and PostgreSQL refuses a grant to a
    role that does not exist. When one is missing and the building user may create roles
    (a superuser or CREATEROLE: the embedded dev server, a scratch database), it is created
    here, NOLOGIN and without any privilege, so the build can grant to it. When the building
    user may not (the least-privilege builder of production), the build stops before any
    model with a message that says what to run. Schema ownership, the Execution Hub's grants
    on its source table and the default privileges are `dbt run-operation create_roles`.
-#}
{% macro ensure_roles(from_hook=true) -%}
    {#- only the prod target grants anything (dbt_project.yml), so only it needs the roles -#}
    {%- if not execute or (from_hook and target.name != 'prod') -%}
        {{- return('select 1') -}}
    {%- endif -%}
    {%- set wanted = [var('builder_role'), var('execution_hub_role'), var('bi_role')] -%}
    {%- set found = run_query(
        "select rolname from pg_roles where rolname in " ~ sql_list(wanted)
    ).columns[0].values() -%}
    {%- set missing = [] -%}
    {%- for role in wanted if role not in found -%}
        {%- do missing.append(role) -%}
    {%- endfor -%}
    {%- if missing | length == 0 -%}
        {{- return('select 1') -}}
    {%- endif -%}
    {%- set may_create = run_query(
        "select rolsuper or rolcreaterole from pg_roles where rolname = current_user"
    ).columns[0].values()[0] -%}
    {%- if not may_create -%}
        {%- do exceptions.raise_compiler_error(
            "The role(s) " ~ missing | join(', ') ~ " do not exist and " ~ target.user
            ~ " may not create roles. Ask a database administrator to run "
            ~ "`dbt run-operation create_roles` (README: Roles and grants)."
        ) -%}
    {%- endif -%}
    {%- if from_hook -%}
        {{- log("creating the missing NOLOGIN role(s) " ~ missing | join(', ')
            ~ "; `dbt run-operation create_roles` sets schema ownership and source grants", info=True) -}}
    {%- endif -%}
    {%- for role in missing %}
do $$
begin
    create role {{ adapter.quote(role) }} nologin;
exception when duplicate_object or unique_violation then  -- a concurrent build made it
    null;
end
$$;
    {%- endfor -%}
{%- endmacro %}
