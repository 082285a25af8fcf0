import re, subprocess, sys, json
REPO='/work/.mirror/iproute2+iproute2/repo'
def src(path):
    return subprocess.run(['git','-C',REPO,'show','v6.1.0:'+path],capture_output=True,text=True).stdout
CALL=re.compile(r'(matches|strcmp|is_prefix)\(\s*\*argv,\s*"([^"]+)"\)')
def func_body(text, name):
    m=re.search(r'^[a-z].*\b'+re.escape(name)+r'\([^;]*?\)\s*\n\{', text, re.M)
    if not m: return None
    i=m.end(); depth=1
    while depth:
        c=text[i]
        if c=='{': depth+=1
        elif c=='}': depth-=1
        i+=1
    return text[m.end():i]
def indent(l):
    n=0
    for ch in l:
        if ch=='\t': n+=8
        elif ch==' ': n+=1
        else: break
    return n
def keywords(body):
    lines=body.split('\n')
    out=[]; level=None; cur=None; prevcont=False
    for l in lines:
        calls=CALL.findall(l)
        ind=indent(l)
        cont=prevcont
        prevcont=l.rstrip().endswith('||') or l.rstrip().endswith('&&')
        if calls:
            if level is None: level=ind
            if ind==level or (cont and cur is not None and cur['line_level']==level):
                for fn,w in calls:
                    kw={'name':w,'exact':fn=='strcmp','value':False,'line_level':level,'vals':[]}
                    if cont and out: kw['canon']=out[-1].get('canon',out[-1]['name'])
                    out.append(kw)
                cur=out[-1]
                continue
            elif ind>level and cur is not None:
                for fn,w in calls: cur['vals'].append(w)
        if cur is not None and ('NEXT_ARG()' in l or 'NEXT_ARG_FWD' in l) and ind>level:
            for k in out:
                pass
            # mark all keywords sharing this branch
            j=len(out)-1
            while j>=0 and out[j] is not cur and out[j].get('canon')==cur.get('canon',cur['name']): j-=1
            cur['value']=True
            for k in out:
                if k.get('canon')==cur.get('canon',cur['name']) or k is cur or (cur.get('canon') and k['name']==cur['canon']):
                    k['value']=True
    for k in out: k.pop('line_level',None)
    return out
if __name__=='__main__':
    path,fn=sys.argv[1],sys.argv[2]
    b=func_body(src(path),fn)
    for k in keywords(b): print(k)
