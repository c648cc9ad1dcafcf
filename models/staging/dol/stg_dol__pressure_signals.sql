{{ stage_pressure_signals('dol', 'DOL') }}
