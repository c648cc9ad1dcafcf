{{ stage_pressure_signals('blog', 'BLOG') }}
