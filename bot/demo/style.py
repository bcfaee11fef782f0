"""The demo site's stylesheet, inlined in every page (no external assets): Slack's look."""

CSS = """
:root{--text:#1d1c1d;--muted:#616061;--line:#e2e2e2;--link:#1264a3;--side:#3f0e40;
--green:#007a5a;--red:#e01e5a;--soft:#f8f8f8}
*{box-sizing:border-box}
body{margin:0;color:var(--text);background:#fff;font:15px/1.46668 "Slack-Lato","Lato",
"Helvetica Neue",Helvetica,"Segoe UI",Roboto,Arial,sans-serif,"Apple Color Emoji",
"Segoe UI Emoji","Noto Color Emoji"}
a{color:var(--link);text-decoration:none}a:hover{text-decoration:underline}
code{font:12px/1.5 Monaco,Menlo,Consolas,"Courier New",monospace;background:#f6f6f6;
border:1px solid var(--line);border-radius:3px;padding:1px 3px;color:#e01e5a}
pre{font:12px/1.5 Monaco,Menlo,Consolas,monospace;background:#f6f6f6;border:1px solid
var(--line);border-radius:4px;padding:8px;white-space:pre-wrap;margin:4px 0}
blockquote{margin:2px 0;padding-left:12px;border-left:4px solid #dddddd}
.muted{color:var(--muted)}
.emoji{width:1.2em;height:1.2em;vertical-align:-.22em}
.icon{width:1em;height:1em;vertical-align:-.12em}
.layout{display:flex;min-height:100vh;
background:linear-gradient(to right,var(--side) 240px,#fff 240px)}
.sidebar{width:240px;flex:none;background:var(--side);color:#cfc3cf;padding:12px 0;position:sticky;
top:0;height:100vh;overflow:auto}
.sidebar a{display:flex;align-items:center;gap:8px;color:#cfc3cf;padding:4px 16px;font-size:15px}
.sidebar a:hover{background:#350d36;text-decoration:none}
.sidebar a.on{background:#1164a3;color:#fff}
.sidebar a.team{color:#fff;font-weight:900;font-size:18px;padding:4px 16px 12px;
border-bottom:1px solid #5a2a5b;margin-bottom:8px}
.sidebar .avatar{width:20px;height:20px;font-size:9px;border-radius:4px}
.side-title{padding:14px 16px 4px;font-size:13px;opacity:.8}
main{flex:1;min-width:0;max-width:980px}
main.index{padding:24px 32px}
.channel{display:flex;gap:12px;align-items:center;padding:14px 20px 6px}
.channel h1{font-size:18px;margin:0;font-weight:900}.channel p{margin:0;color:var(--muted);
font-size:13px}
.tabs{display:flex;gap:18px;padding:0 20px;border-bottom:1px solid var(--line)}
.tabs a{color:var(--muted);padding:8px 2px;font-size:14px;border-bottom:2px solid transparent}
.tabs a:first-child{color:var(--text);border-color:var(--green);font-weight:700}
.feed{padding:8px 0 24px}
.day{position:relative;text-align:center;margin:18px 0 6px}
.day:before{content:"";position:absolute;left:0;right:0;top:50%;border-top:1px solid var(--line)}
.day span{position:relative;background:#fff;border:1px solid var(--line);border-radius:24px;
padding:3px 14px;font-size:13px;font-weight:700}
.item{padding:0 20px}
.msg{display:flex;gap:8px;padding:8px 0}
.msg:hover{background:var(--soft)}
.msg.ephemeral .msg-body{border-left:3px solid #b2b2b2;padding-left:8px}
.msg.group .msg-body{border-left:3px solid #e8912d;padding-left:8px}
.avatar{width:36px;height:36px;border-radius:6px;color:#fff;font-weight:700;font-size:14px;
display:flex;align-items:center;justify-content:center;flex:none;letter-spacing:.5px}
.msg-body{flex:1;min-width:0}
.msg-head{display:flex;flex-wrap:wrap;align-items:baseline;gap:6px}
.author{font-weight:900}
.app-badge{background:rgba(29,28,29,.13);color:var(--muted);font-size:10px;font-weight:700;
padding:1px 3px;border-radius:2px}
time{color:var(--muted);font-size:12px}
.where{color:var(--muted);font-size:12px;font-style:italic}
.edited{color:var(--muted);font-size:12px}
details.before{margin-top:4px;font-size:13px}
details.before summary{color:var(--muted);cursor:pointer}
details.before>:not(summary){opacity:.75}
.mention{background:rgba(29,155,209,.1);color:var(--link);border-radius:3px;padding:0 2px}
.b-section{display:flex;gap:12px;margin:4px 0;align-items:flex-start}
.b-main{flex:1;min-width:0}
.b-text{overflow-wrap:anywhere}
.b-fields{display:grid;grid-template-columns:1fr 1fr;gap:8px 16px;margin-top:6px}
.b-accessory{flex:none}
.b-header{font-size:18px;font-weight:900;margin:8px 0 4px}
.b-divider{border:0;border-top:1px solid var(--line);margin:10px 0}
.b-context{display:flex;flex-wrap:wrap;align-items:center;gap:6px;color:var(--muted);
font-size:12px;margin:4px 0}
.b-ctx-img{width:20px;height:20px;border-radius:3px}
.b-actions{display:flex;flex-wrap:wrap;gap:8px;margin:8px 0}
.b-figure{margin:6px 0}.b-image{max-width:100%;max-height:360px;border-radius:6px}
.b-image-title{font-size:13px;color:var(--muted)}
.b-thumb{width:72px;height:72px;border-radius:6px;object-fit:cover}
.img-offline{display:inline-block;border:1px dashed #bbb;border-radius:6px;padding:8px;
color:var(--muted);font-size:13px}
.list{margin:2px 0;padding-left:22px}.list li:has(>.num){list-style:none;margin-left:-16px}
.btn{display:inline-block;border:1px solid rgba(29,28,29,.3);border-radius:8px;padding:3px 12px;
font-weight:700;font-size:13px;line-height:20px;color:var(--text);background:#fff;
white-space:nowrap}
.btn-primary{background:var(--green);border-color:var(--green);color:#fff}
.btn-danger{color:var(--red);border-color:var(--red)}
.btn.small{padding:0 8px;font-size:12px;line-height:18px}
.btn.overflow{padding:3px 8px}
.unknown{display:block;border:2px dashed #d72b3f;background:#fff0f2;color:#a00;border-radius:6px;
padding:6px 8px;margin:4px 0;font-size:13px}
span.unknown{display:inline-block}
.act{color:var(--muted);font-size:13px;padding:6px 0 6px 44px}
.act-mark{color:#1264a3}
code.cmd{color:var(--text)}
.caption{color:var(--muted);font-size:13px;margin:10px 0 6px 44px}
.caption.refused{color:#a00}
.modal-wrap{margin:6px 0 10px 44px}
details.modal-wrap summary{color:var(--muted);font-size:13px;cursor:pointer;padding:4px 0}
.modal{max-width:520px;border-radius:8px;background:#fff;box-shadow:0 0 0 1px rgba(0,0,0,.08),
0 4px 12px rgba(0,0,0,.16);overflow:hidden}
.modal-head{display:flex;align-items:center;gap:10px;padding:16px 20px;
border-bottom:1px solid var(--line)}
.modal-head .avatar{width:28px;height:28px;font-size:12px}
.modal-title{font-size:20px;font-weight:900;flex:1}
.modal-x{font-size:22px;color:var(--muted)}
.modal-body{padding:12px 20px 16px}
.modal-foot{display:flex;justify-content:flex-end;gap:10px;padding:14px 20px;
border-top:1px solid var(--line)}
.modal-foot .btn{padding:6px 16px;font-size:15px}
.b-input{margin:12px 0}
.b-label{font-weight:700;margin-bottom:6px}
.optional{color:var(--muted);font-weight:400;margin-left:4px}
.b-hint{color:var(--muted);font-size:13px;margin-top:4px}
.b-error{color:#a00;font-size:13px;margin-top:4px}
.has-error .field,.has-error .select{border-color:#e01e5a;box-shadow:0 0 0 1px #e01e5a}
.field,.select{display:block;border:1px solid rgba(29,28,29,.3);border-radius:4px;
padding:8px 10px;min-height:38px;background:#fff;overflow-wrap:anywhere}
.field.multi{min-height:76px}
.field.empty,.select.empty{color:#868686}
.select{display:flex;align-items:center;gap:6px}.select .caret{margin-left:auto;color:var(--muted)}
.b-accessory .select,.b-actions .select{display:inline-flex;min-height:0;padding:3px 10px;
border-radius:8px}
.chip{background:#f0f0f0;border-radius:4px;padding:0 6px;font-size:13px}
.choices{display:flex;flex-direction:column;gap:4px}
.opt{display:flex;gap:8px}.mark{color:#1264a3}.opt-desc{display:block;color:var(--muted);
font-size:13px}
.home{margin:8px 0 8px 44px;border:1px solid var(--line);border-radius:8px;max-width:760px}
.home-tabs{display:flex;gap:18px;padding:8px 16px 0;border-bottom:1px solid var(--line)}
.home-tabs span{padding:6px 0;color:var(--muted);font-size:14px}
.home-tabs .on{color:var(--text);font-weight:700;border-bottom:2px solid var(--green)}
.home-body{padding:8px 16px 16px}
.latest-home{padding:8px 20px 40px;border-top:1px solid var(--line)}
.latest-home h2{font-size:16px}
.latest-home .home{margin-left:0}
.file{border:1px solid var(--line);border-radius:8px;padding:8px 12px;margin:6px 0;
display:inline-block}
.file-image{margin:6px 0;border:1px solid var(--line);border-radius:8px;padding:6px;
display:inline-block;max-width:100%}
.file-image figcaption{font-size:12px;color:var(--muted);margin-bottom:4px}
.file-image img{max-width:100%;max-height:340px;display:block;border-radius:4px}
.lead{font-size:17px;max-width:720px}
.people{display:grid;grid-template-columns:repeat(auto-fill,minmax(260px,1fr));gap:10px}
.person{display:flex;gap:10px;border:1px solid var(--line);border-radius:8px;padding:10px;
color:var(--text)}
.person span{display:block;font-size:13px}
.moments{padding-left:0;list-style:none}
.moments li{display:flex;gap:14px;padding:6px 0;border-bottom:1px solid #f0f0f0}
.moments time{flex:none;width:128px}
@media (max-width:700px){
.sidebar{display:none}
.layout{background:#fff}
main.index{padding:12px 14px}
.item{padding:0 10px}
.b-fields{grid-template-columns:1fr}
.b-section{flex-direction:column;gap:6px}
.modal-wrap,.home,.caption{margin-left:0}
.act{padding-left:0}
.moments li{flex-direction:column;gap:0}
}
"""
