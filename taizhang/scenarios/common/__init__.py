"""What the Qian'an demo and the synthetic generator share: project templates, exact fitting
of figures in integer cents, and the invented names, codes and titles (`builder.py`)."""
