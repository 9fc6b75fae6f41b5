" Balanced Scorecard (.bsc) files.
" A BSC Designer project (a zip or XML file) shares the extension; bsc itself rejects
" those with a clear message, so no content check here.
au BufRead,BufNewFile *.bsc setfiletype bsc
