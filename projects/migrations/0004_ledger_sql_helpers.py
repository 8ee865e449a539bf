"""SQL helpers for the FOCUS import: tell, without failing the whole statement, whether a text casts."""
from django.db import migrations

FUNCTIONS = """
CREATE OR REPLACE FUNCTION ledger_is_timestamptz(value text) RETURNS boolean LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
    PERFORM value::timestamptz;
    RETURN true;
EXCEPTION WHEN others THEN
    RETURN false;
END $$;
CREATE OR REPLACE FUNCTION ledger_is_jsonb_object(value text) RETURNS boolean LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
    RETURN jsonb_typeof(value::jsonb) = 'object';
EXCEPTION WHEN others THEN
    RETURN false;
END $$;
"""

DROP = "DROP FUNCTION IF EXISTS ledger_is_timestamptz(text); DROP FUNCTION IF EXISTS ledger_is_jsonb_object(text);"


class Migration(migrations.Migration):
    dependencies = [("projects", "0003_ledger")]
    operations = [migrations.RunSQL(FUNCTIONS, DROP)]
