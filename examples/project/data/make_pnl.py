#!/usr/bin/env python3
"""Writes examples/project/data/pnl.xlsx, the profit and loss export the example reads
(committed; run again only to change it):

    pip install XlsxWriter==3.3.1
    python3 examples/project/data/make_pnl.py

It is laid out the way accounting tools export a P&L: title rows, one column per month
(some headers written as text, some as date cells), a Total column, one row per account,
and formula cells saved with the value they computed. bsc reads it with the wide layout:
`actuals "data/pnl.xlsx" sheet "P&L" row "Revenue"`.
"""
import datetime
import os

import xlsxwriter

HERE = os.path.dirname(os.path.abspath(__file__))

MONTHS = [datetime.date(2024 + (m - 1) // 12, (m - 1) % 12 + 1, 1) for m in range(1, 19)]
# Revenue grows about 6% a year with a summer dip; the gross margin climbs from 30%
# in 2024 to 33% by mid-2025 as reprints fall.
REVENUE = [381000, 368000, 399000, 405000, 414000, 409000, 372000, 366000, 411000,
           423000, 431000, 398000, 405000, 392000, 425000, 431000, 440000, 436000]
MARGIN = [30.1, 29.8, 30.4, 30.2, 30.6, 30.5, 30.0, 29.9, 30.7, 30.9, 31.0, 30.8,
          31.2, 31.6, 32.1, 32.4, 32.9, 33.1]
COGS = [round(r * (100 - m) / 100) for r, m in zip(REVENUE, MARGIN)]


def main():
    wb = xlsxwriter.Workbook(os.path.join(HERE, "pnl.xlsx"))
    wb.set_properties({"created": datetime.datetime(2025, 7, 3), "author": "Nordlicht Print"})
    ws = wb.add_worksheet("P&L")
    money = wb.add_format({"num_format": "#,##0"})
    month = wb.add_format({"num_format": "mmm yyyy"})
    ws.write("A1", "Nordlicht Print GmbH")
    ws.write("A2", "Profit and Loss by month, January 2024 to June 2025")
    ws.write("A4", "Account")
    for i, m in enumerate(MONTHS):
        if m.year == 2024:
            ws.write_string(3, 1 + i, m.strftime("%b %Y"))
        else:
            ws.write_datetime(3, 1 + i, datetime.datetime(m.year, m.month, 1), month)
    last = 1 + len(MONTHS)
    ws.write(3, last, "Total")
    for r, (label, values) in enumerate([("Revenue", REVENUE), ("Cost of goods sold", COGS)]):
        ws.write(4 + r, 0, label)
        for i, v in enumerate(values):
            ws.write_number(4 + r, 1 + i, v, money)
        ws.write_formula(4 + r, last, f"=SUM(B{5 + r}:S{5 + r})", money, sum(values))
    ws.write(6, 0, "Gross profit")
    for i in range(len(MONTHS)):
        col = xlsxwriter.utility.xl_col_to_name(1 + i)
        ws.write_formula(6, 1 + i, f"={col}5-{col}6", money, REVENUE[i] - COGS[i])
    wb.close()


if __name__ == "__main__":
    main()
    print("wrote", os.path.join(HERE, "pnl.xlsx"))
