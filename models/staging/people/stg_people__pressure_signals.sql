{{ stage_pressure_signals('people', 'PEOPLE') }}
